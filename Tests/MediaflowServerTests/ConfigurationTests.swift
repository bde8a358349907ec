import Foundation
import MediaflowServer
import Testing

@Suite struct ConfigurationTests {
    @Test func flagsWinOverTheEnvironmentWhichWinsOverTheFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mediaflow-\(UUID()).json")
        try Data(#"{"port": 9001, "host": "0.0.0.0", "roles": ["job-repository", "service-registry"], "leaseSeconds": 7}"#.utf8)
            .write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let configuration = try ServerConfiguration.resolve(
            flags: ["config": file.path, "port": "9003"],
            environment: ["MEDIAFLOW_PORT": "9002", "MEDIAFLOW_HOST": "127.0.0.2"])
        #expect(configuration.port == 9003)
        #expect(configuration.host == "127.0.0.2")
        #expect(configuration.roles == [.jobRepository, .serviceRegistry])
        #expect(configuration.leaseSeconds == 7)
        #expect(configuration.baseURL == "http://127.0.0.2:9003")
        #expect(configuration.databasePath.hasSuffix("data/mediaflow.sqlite"))
    }

    @Test func badValuesAreNamed() throws {
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(flags: ["port": "eighty"], environment: [:]) }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.resolve(flags: ["roles": "chef"], environment: [:]) }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(flags: [:], environment: ["MEDIAFLOW_SHUTDOWN_SECONDS": "0"])
        }
        #expect(try ServerConfiguration.resolve(flags: ["shutdownSeconds": "2.5"], environment: [:]).shutdownSeconds == 2.5)
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(flags: ["config": "/no/such/file.json"], environment: [:])
        }
    }

    @Test func aPostgresURLSelectsPostgreSQL() throws {
        let configuration = try ServerConfiguration.resolve(
            flags: ["database": "postgres://u:p@127.0.0.1:5432/mediaflow"], environment: [:])
        #expect(configuration.postgresURL == "postgres://u:p@127.0.0.1:5432/mediaflow")
        #expect(try ServerConfiguration.resolve(flags: [:], environment: [:]).postgresURL == nil)
    }
}
