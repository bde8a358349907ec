import Foundation

/// A role a server process plays; by default one process plays them all.
public enum Role: String, Sendable, CaseIterable, Codable {
    case jobRepository = "job-repository"
    case jobProcessor = "job-processor"
    case serviceRegistry = "service-registry"
    case ameService = "ame-service"
    case serviceBus = "service-bus"
}

/// Everything a `mediaflow serve` process is told. Each key can come from a flag, an environment
/// variable or a JSON config file; `ServerConfiguration+Sources.swift` documents them all.
public struct ServerConfiguration: Sendable, Equatable {
    /// Address to listen on.
    public var host = "127.0.0.1"
    /// Port to listen on; 0 picks a free one.
    public var port = 8080
    /// Holds the SQLite database and produced media files.
    public var dataDirectory = "./data"
    /// The URL clients reach this process at; ids and `Location` headers are built from it. Defaults to
    /// `http://HOST:PORT`.
    public var publicURL: String?
    /// The roles this process plays.
    public var roles: Set<Role> = Set(Role.allCases)
    /// The database: a SQLite file path (or `sqlite:PATH`), or `postgres://USER:PASSWORD@HOST:PORT/DB` for
    /// several nodes sharing one database; defaults to `DATA_DIR/mediaflow.sqlite`.
    public var database: String?
    /// Where the other roles are, when this process does not play them.
    public var repositoryURL: String?
    public var processorURL: String?
    public var registryURL: String?
    /// How long a service may stay silent on a job before the job is queued again.
    public var leaseSeconds: Double = 30
    /// Delivery attempts of a callback before it becomes a dead letter.
    public var callbackAttempts = 12
    /// Largest request body accepted, in bytes.
    public var maxBodyBytes = 1 << 20
    /// Longest an external tool (MediaInfo, ffmpeg) may run for one job; for a tool that reports its headway
    /// (ffmpeg making a proxy, extracting audio or checking quality), longest it may go without any.
    public var toolTimeoutSeconds: Double = 600
    /// Longest a graceful shutdown may take before what is left of it is cancelled (see `ServiceGroup.bounded`).
    public var shutdownSeconds: Double = 30
    /// Jobs each built-in media service runs at once.
    public var serviceCapacity = 4
    /// Days a finished job is kept; 0 keeps jobs forever.
    public var retentionDays: Double = 30
    /// Megabytes the data directory's file system keeps free: below that, `GET /health` answers 503 (0: no floor).
    public var minFreeMegabytes: Double = 100
    /// The functions file: what runs the function resources (Lambda ARNs) of state machines.
    public var functionsFile: String?
    /// Signs callbacks with the secrets of `--callback-secret`; nil sends them unsigned.
    public var callbackSigner: CallbackSigner?

    public init() {}

    /// The public URL, without a trailing slash.
    public var baseURL: String {
        let url = publicURL ?? "http://\(host):\(port)"
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// The PostgreSQL URL, when the database is PostgreSQL.
    public var postgresURL: String? {
        guard let database, database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") else { return nil }
        return database
    }

    /// The SQLite file path.
    public var databasePath: String {
        if let database {
            return database.hasPrefix("sqlite:") ? String(database.dropFirst("sqlite:".count)) : database
        }
        return URL(fileURLWithPath: dataDirectory).appendingPathComponent("mediaflow.sqlite").path
    }

    /// Where produced media files are written.
    public var mediaDirectory: URL { URL(fileURLWithPath: dataDirectory).appendingPathComponent("media") }

    func url(of role: Role) -> String? {
        if roles.contains(role) { return baseURL }
        switch role {
        case .jobRepository: return repositoryURL
        case .jobProcessor: return processorURL
        case .serviceRegistry: return registryURL
        case .ameService, .serviceBus: return nil
        }
    }
}
