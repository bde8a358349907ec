import Logging
import ServiceLifecycle
import UnixSignals

extension ServiceGroup {
    /// Services shut down gracefully when told to, or on SIGTERM and SIGINT if they `stopOnSignals`, for
    /// `maxShutdown` at most: then they are cancelled, and should cancellation not end them within as long
    /// again, ServiceLifecycle stops the process with a fatal error. So a shutdown that waits on something
    /// that never ends still ends; what the node had accepted is taken up again when it or another node starts.
    public static func bounded(
        _ services: [any Service], stopOnSignals: Bool = false, maxShutdown: Duration, logger: Logger
    ) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: stopOnSignals ? [UnixSignal.sigterm, .sigint] : [], logger: logger)
        configuration.maximumGracefulShutdownDuration = maxShutdown
        configuration.maximumCancellationDuration = maxShutdown
        return ServiceGroup(configuration: configuration)
    }
}
