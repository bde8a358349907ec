import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import MediaflowMedia
import MediaflowModel
import MediaflowPostgres
import MediaflowSQLite
import MediaflowStore
import ServiceLifecycle

/// Builds the server for a configuration: the routes of the roles it plays and their background services.
/// - Throws: when the data directory or the database cannot be opened.
public func buildApplication(_ configuration: ServerConfiguration, logger: Logger) async throws
    -> some ApplicationProtocol
{
    let parts = try await ApplicationParts(configuration, logger: logger)
    let router = Router()
    router.add(middleware: ProblemMiddleware())
    parts.addRoutes(to: router)
    let address = ApplicationConfiguration(
        address: .hostname(configuration.host, port: configuration.port), serverName: "mediaflow")
    var app: Application<RouterResponder<BasicRequestContext>>
    // Keep-alive connections idle for 15 s are closed, and (with the bus's WebSocket upgrade) so is a
    // connection silent for 10 s: a graceful shutdown waits for every open connection.
    let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(15))
    if let gateway = parts.busGateway {
        let limit = configuration.maxBodyBytes
        let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
        webSocketRouter.ws("/bus/ws") { _, _ in .upgrade([:]) } onUpgrade: { inbound, outbound, _ in
            await BusConnection(gateway: gateway, outbound: outbound).run(inbound, maxMessageBytes: limit)
        }
        let webSocketResponder = webSocketRouter.buildResponder()
        let channel = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: http1, ws: .init(maxFrameSize: limit, autoPing: .enabled(timePeriod: .seconds(15))))
        app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                SilentConnectionGuard(
                    inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: channel),
                    deadline: .seconds(10))
            },
            configuration: address, logger: logger)
    } else {
        app = Application(router: router, server: .http1(configuration: http1), configuration: address, logger: logger)
    }
    app.addServices(parts.services)
    let startup = parts.startup
    app.beforeServerStarts { for step in startup { try await step() } }
    return app
}

/// The collaborators of one server process, wired according to its roles.
struct ApplicationParts {
    let configuration: ServerConfiguration
    var services: [any Service] = []
    var routeAdders: [(Router<BasicRequestContext>) -> Void] = []
    /// Steps run in order before the server takes requests, once the services (the store's pool) run.
    var startup: [@Sendable () async throws -> Void] = []
    /// The service bus, when this process plays that role.
    var busGateway: BusGateway?

    init(_ configuration: ServerConfiguration, logger: Logger) async throws {
        self.configuration = configuration
        let roles = configuration.roles
        let baseURL = configuration.baseURL
        /// Why the node is not ready for work yet (besides its database and disk), each nil once it is.
        var readiness: [@Sendable () -> String?] = []
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let store: any JobStore
        if let url = configuration.postgresURL {
            let postgres = try PostgresStore(url: url, logger: logger)
            services.append(postgres)
            startup.append { try await postgres.migrate() }
            store = postgres
        } else {
            store = try SQLiteStore(path: configuration.databasePath)
        }
        let sharedStore = configuration.postgresURL != nil
        let transport = HTTPTransport(client: .mediaflow)
        let limit = configuration.maxBodyBytes
        let lease = Duration.seconds(configuration.leaseSeconds)

        let directory: any ServiceDirectory
        if roles.contains(.serviceRegistry) {
            let registry = ServiceRegistry(store: store, maxAge: sharedStore ? .seconds(2) : nil)
            startup.append {
                for profile in BuiltInCatalogue.profiles where try await registry.profile(profile.label) == nil {
                    var profile = profile
                    profile.id = "\(baseURL)/JobProfile/\(profile.label)"
                    profile.context = contextURL(baseURL: baseURL)
                    try await registry.upsert(profile)
                }
            }
            routeAdders.append { ServiceRegistryController(registry: registry, baseURL: baseURL, maxBodyBytes: limit).addRoutes(to: $0) }
            directory = registry
        } else if sharedStore && configuration.registryURL == nil {
            // Nodes sharing a database share the registry in it; this one just serves no registry routes.
            directory = ServiceRegistry(store: store, maxAge: .seconds(2))
        } else {
            directory = RemoteServiceDirectory(transport: transport, registryURL: try Self.require(configuration, .serviceRegistry))
        }

        let outboxHandover = roles.contains(.jobProcessor) ? OutboxHandover(lease: lease) : nil
        var ledger: (any JobLedger)?
        if roles.contains(.jobRepository) {
            ledger = LocalJobLedger(store: store, baseURL: baseURL, handover: outboxHandover)
            routeAdders.append {
                JobRepositoryController(
                    store: store, directory: directory, baseURL: baseURL, maxBodyBytes: limit,
                    recordsStartJobs: !roles.contains(.jobProcessor)
                ).addRoutes(to: $0)
            }
            if configuration.retentionDays > 0 {
                services.append(
                    RetentionService(
                        store: store, workflows: store as? any WorkflowStore, retention: .seconds(configuration.retentionDays * 86_400),
                        logger: logger))
            }
        } else if !roles.isDisjoint(with: [.jobProcessor, .ameService]) {
            // Likewise the jobs in a shared database, unless this node is told to go through a repository.
            ledger =
                sharedStore && configuration.repositoryURL == nil
                ? LocalJobLedger(store: store, baseURL: baseURL, handover: outboxHandover)
                : RemoteJobLedger(
                    transport: transport, repositoryURL: try Self.require(configuration, .jobRepository), store: store,
                    handover: outboxHandover, logger: logger)
        }

        // The workflow engine runs with the job processor, on a store that keeps workflows.
        let engine = roles.contains(.jobProcessor) ? (store as? any WorkflowStore).map { WorkflowEngine(store: $0, logger: logger) } : nil
        let processorLink = LocalProcessorLink()
        var host: MediaServiceHost?
        if roles.contains(.ameService), let ledger {
            let media = configuration.mediaDirectory
            let tools = ToolRunner(timeout: .seconds(configuration.toolTimeoutSeconds))
            let resolver = LocatorResolver(httpClient: .shared, scratchDirectory: media.appendingPathComponent(".downloads"))
            let storage = OutputStorage(directory: media, baseURL: baseURL)
            let transformTools = TransformTools(resolver: resolver, transforms: MediaTransforms(tools: tools), storage: storage)
            var workers: [String: any JobWorker] = [
                BuiltInCatalogue.extractTechnicalMetadata.label: TechnicalMetadataWorker(
                    resolver: resolver, extractor: MetadataExtractor(tools: tools), storage: storage),
                BuiltInCatalogue.createProxy.label: ProxyWorker(tools: transformTools),
                BuiltInCatalogue.createThumbnail.label: ThumbnailWorker(tools: transformTools),
                BuiltInCatalogue.transcode.label: TranscodeWorker(tools: transformTools),
                BuiltInCatalogue.extractAudio.label: AudioWorker(tools: transformTools),
                BuiltInCatalogue.measureLoudness.label: LoudnessWorker(tools: transformTools),
                BuiltInCatalogue.detectBlackAndSilence.label: BlackAndSilenceWorker(tools: transformTools),
                BuiltInCatalogue.noOp.label: NoOpWorker(),
            ]
            if let engine { workers[BuiltInCatalogue.runStateMachine.label] = StateMachineWorker(engine: engine) }
            let serviceHost = MediaServiceHost(
                baseURL: baseURL, workers: workers, jobs: { try await ledger.job(at: $0) },
                reporter: ReportSender(transport: transport, localProcessor: processorLink, logger: logger),
                heartbeat: lease / 3, logger: logger)
            host = serviceHost
            services.append(serviceHost)
            routeAdders.append { MediaServiceController(host: serviceHost, maxBodyBytes: limit).addRoutes(to: $0) }
            let registration = BuiltInServiceRegistration(
                services: BuiltInCatalogue.services(
                    baseURL: baseURL, capacity: configuration.serviceCapacity, workflows: engine != nil),
                registry: directory as? ServiceRegistry,
                registryURL: configuration.url(of: .serviceRegistry) ?? baseURL, transport: transport, logger: logger)
            if registration.registry != nil {
                startup.append { try await registration.registerAll() }
            } else {
                services.append(registration)
            }
            readiness.append { registration.pending }
            let mediaFolder = media.path
            routeAdders.append { router in
                router.add(
                    middleware: FileMiddleware(mediaFolder, urlBasePath: "/media", searchForIndexHtml: false, logger: logger)
                        // What the built-in services write that Hummingbird's table leaves without a type.
                        .withAdditionalMediaTypes(forFileExtensions: [
                            "mov": MediaType(type: .video, subType: "quicktime"), "flac": MediaType(type: .audio, subType: "flac"),
                            "m4a": MediaType(type: .audio, subType: "mp4"),
                        ]))
            }
        }

        if roles.contains(.jobProcessor), let ledger, let outboxHandover {
            let dispatcher = JobDispatcher(
                store: store, ledger: ledger, directory: directory,
                invoker: ServiceInvoker(transport: transport, localHost: host, logger: logger),
                baseURL: baseURL, leaseDuration: lease, releaseLeasesAtStart: !sharedStore, logger: logger)
            let processor = JobProcessor(
                ledger: ledger, store: store, directory: directory, dispatcher: dispatcher,
                baseURL: baseURL, leaseDuration: lease, logger: logger)
            processorLink.connect(processor, baseURL: baseURL)
            services.append(dispatcher)
            services.append(
                OutboxDispatcher(
                    store: store, transport: transport, handover: outboxHandover,
                    maxAttempts: configuration.callbackAttempts, signer: configuration.callbackSigner, logger: logger))
            if let announcer = store as? any WorkAnnouncer {
                services.append(
                    WakeupListener(
                        announcer: announcer, onDispatch: dispatcher.wake, onOutbox: outboxHandover.announce,
                        onWorkflow: { [engine] in engine?.signal.notify() }))
            }
            routeAdders.append { JobProcessorController(processor: processor, maxBodyBytes: limit).addRoutes(to: $0) }
            routeAdders.append { CallbackController(store: store, handover: outboxHandover, baseURL: baseURL).addRoutes(to: $0) }
        }
        var workflowOperations: WorkflowOperations?
        if let engine {
            let functions = try configuration.functionsFile.map(FunctionBindings.init(contentsOf:)) ?? FunctionBindings()
            let runner = TaskResourceRunner(
                engine: engine, baseURL: baseURL, httpClient: .shared, functions: functions,
                functionTimeoutSeconds: configuration.toolTimeoutSeconds, logger: logger)
            services.append(
                WorkflowRunner(
                    engine: engine, tasks: runner, node: "\(baseURL) \(UniqueID.make())", lease: lease,
                    takesOverAtStart: !sharedStore, logger: logger))
            let operations = WorkflowOperations(engine: engine)
            routeAdders.append { WorkflowController(operations: operations, maxBodyBytes: limit).addRoutes(to: $0) }
            workflowOperations = operations
        }
        if roles.contains(.serviceBus) {
            let gateway = BusGateway(identity: BusIdentity(), logger: logger)
            BuiltInBusServices.register(on: gateway, configuration: configuration, transport: transport, workflows: workflowOperations)
            routeAdders.append { BusController(gateway: gateway, httpClient: .shared, maxBodyBytes: limit).addRoutes(to: $0) }
            busGateway = gateway
        }
        let database = store as? any ReachabilityReporting
        let freeSpace = FreeSpaceFloor(directory: configuration.dataDirectory, megabytes: configuration.minFreeMegabytes)
        let checks = readiness
        routeAdders.append {
            SystemRoutes(
                roles: roles, baseURL: baseURL, database: database, freeSpace: freeSpace, readiness: checks,
                gauges: store.gauges
            ).addRoutes(to: $0)
        }
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        for add in routeAdders { add(router) }
    }

    private static func require(_ configuration: ServerConfiguration, _ role: Role) throws -> String {
        guard let url = configuration.url(of: role) else {
            throw ConfigurationError("This process does not play \(role.rawValue): give its URL (--\(role.rawValue)-url)")
        }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

/// A configuration that cannot work, with what to change.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
