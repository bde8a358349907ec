import ArgumentParser
import Foundation
import Logging
import MediaflowServer
import NIOCore
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a Mediaflow server: by default every role, on an embedded SQLite database.")

    @Option(help: "Address to listen on (MEDIAFLOW_HOST; default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (MEDIAFLOW_PORT; default 8080).") var port: String?
    @Option(help: "Folder of the database and produced media (MEDIAFLOW_DATA_DIR; default ./data).") var dataDir: String?
    @Option(help: "URL clients reach this server at (MEDIAFLOW_PUBLIC_URL).") var publicURL: String?
    @Option(help: "Comma-separated roles: job-repository, job-processor, service-registry, ame-service, service-bus (MEDIAFLOW_ROLES; default all).")
    var roles: String?
    @Option(help: "SQLite file, or postgres://USER:PASSWORD@HOST:PORT/DB (MEDIAFLOW_DATABASE; default DATA_DIR/mediaflow.sqlite).")
    var database: String?
    @Option(help: "The job repository's URL when this server does not play it.") var jobRepositoryUrl: String?
    @Option(help: "The job processor's URL when this server does not play it.") var jobProcessorUrl: String?
    @Option(help: "The service registry's URL when this server does not play it.") var serviceRegistryUrl: String?
    @Option(help: "Seconds a service may stay silent before its job is queued again (default 30).")
    var leaseSeconds: String?
    @Option(help: "Callback delivery attempts before a dead letter (default 12).") var callbackAttempts: String?
    @Option(help: "Largest request body, in bytes (default 1048576).") var maxBodyBytes: String?
    @Option(help: "Longest run of an external tool, in seconds (default 600); for a proxy, an audio extraction or a QA run, longest without headway.") var toolTimeoutSeconds: String?
    @Option(help: "Seconds a graceful shutdown (SIGTERM, SIGINT) may take before what is left is cancelled (default 30).")
    var shutdownSeconds: String?
    @Option(help: "Jobs each built-in media service runs at once (default 4).") var serviceCapacity: String?
    @Option(help: "Days a finished job is kept; 0 keeps them forever (default 30).") var retentionDays: String?
    @Option(help: "Megabytes the data directory's disk keeps free; below that, GET /health answers 503 (default 100; 0: no floor).")
    var minFreeMb: String?
    @Option(help: "A JSON file binding state machines' function resources (Lambda ARNs) to commands, URLs or jobs (MEDIAFLOW_FUNCTIONS).")
    var functions: String?
    @Option(help: "Signs callbacks as Standard Webhooks do with these secrets (whsec_…, comma-separated; MEDIAFLOW_CALLBACK_SECRET, which keeps them out of the process list).")
    var callbackSecret: String?
    @Option(help: "A JSON config file (MEDIAFLOW_CONFIG).") var config: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"

    func run() async throws {
        let flags: [String: String?] = [
            "host": host, "port": port, "dataDir": dataDir, "publicURL": publicURL, "roles": roles,
            "database": database, "repositoryURL": jobRepositoryUrl, "processorURL": jobProcessorUrl,
            "registryURL": serviceRegistryUrl, "leaseSeconds": leaseSeconds, "callbackAttempts": callbackAttempts,
            "maxBodyBytes": maxBodyBytes, "toolTimeoutSeconds": toolTimeoutSeconds, "shutdownSeconds": shutdownSeconds,
            "serviceCapacity": serviceCapacity, "retentionDays": retentionDays, "minFreeMB": minFreeMb, "functions": functions,
            "callbackSecret": callbackSecret, "config": config,
        ]
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.resolve(flags: flags.compactMapValues { $0 })
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let logger = Logger.server(label: "mediaflow", level: Logger.Level(rawValue: logLevel) ?? .info)
        let app = try await buildApplication(configuration, logger: logger)
        do {
            let maxShutdown = Duration.seconds(configuration.shutdownSeconds)
            try await ServiceGroup.bounded([app], stopOnSignals: true, maxShutdown: maxShutdown, logger: logger)
                .run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ConfigurationError(
                "Cannot listen on \(configuration.host):\(configuration.port): the address is in use (another server there?)")
        }
    }
}
