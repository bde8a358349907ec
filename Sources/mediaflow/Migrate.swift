import ArgumentParser
import Logging
import MediaflowPostgres
import MediaflowSQLite
import MediaflowServer

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring a database's schema up to date (serve also does it at start).")

    @Option(help: "A SQLite file, or postgres://USER:PASSWORD@HOST:PORT/DATABASE (MEDIAFLOW_DATABASE).")
    var database: String?
    @Option(help: "The data folder whose SQLite database to migrate, when --database is not given.")
    var dataDir: String?

    func run() async throws {
        var flags: [String: String] = [:]
        flags["database"] = database
        flags["dataDir"] = dataDir
        let configuration = try ServerConfiguration.resolve(flags: flags)
        var logger = Logger(label: "mediaflow")
        logger.logLevel = .info
        if let url = configuration.postgresURL {
            let store = try PostgresStore(url: url, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                try await store.migrate()
                group.cancelAll()
            }
        } else {
            _ = try SQLiteStore(path: configuration.databasePath)
        }
        print("The schema of \(configuration.postgresURL == nil ? configuration.databasePath : "the PostgreSQL database") is up to date.")
    }
}
