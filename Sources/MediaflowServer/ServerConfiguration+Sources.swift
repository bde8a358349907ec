import Foundation

/// Every configuration key, and where it can be set. A flag wins over an environment variable, which
/// wins over the JSON config file (`--config FILE`, or `MEDIAFLOW_CONFIG`), which wins over the default.
///
/// | key (file)        | flag                 | environment                    | default                    |
/// |-------------------|----------------------|--------------------------------|----------------------------|
/// | `host`            | `--host`             | `MEDIAFLOW_HOST`               | `127.0.0.1`                |
/// | `port`            | `--port`             | `MEDIAFLOW_PORT`               | `8080`                     |
/// | `dataDir`         | `--data-dir`         | `MEDIAFLOW_DATA_DIR`           | `./data`                   |
/// | `publicURL`       | `--public-url`       | `MEDIAFLOW_PUBLIC_URL`         | `http://HOST:PORT`         |
/// | `roles`           | `--roles`            | `MEDIAFLOW_ROLES`              | all five                   |
/// | `database`        | `--database`         | `MEDIAFLOW_DATABASE`           | `DATA_DIR/mediaflow.sqlite`|
/// | `repositoryURL`   | `--job-repository-url` | `MEDIAFLOW_JOB_REPOSITORY_URL` | this process               |
/// | `processorURL`    | `--job-processor-url`  | `MEDIAFLOW_JOB_PROCESSOR_URL`  | this process               |
/// | `registryURL`     | `--service-registry-url` | `MEDIAFLOW_SERVICE_REGISTRY_URL` | this process           |
/// | `leaseSeconds`    | `--lease-seconds`    | `MEDIAFLOW_LEASE_SECONDS`      | `30`                       |
/// | `callbackAttempts`| `--callback-attempts`| `MEDIAFLOW_CALLBACK_ATTEMPTS`  | `12`                       |
/// | `maxBodyBytes`    | `--max-body-bytes`   | `MEDIAFLOW_MAX_BODY_BYTES`     | `1048576`                  |
/// | `toolTimeoutSeconds` | `--tool-timeout-seconds` | `MEDIAFLOW_TOOL_TIMEOUT_SECONDS` | `600`           |
/// | `shutdownSeconds` | `--shutdown-seconds` | `MEDIAFLOW_SHUTDOWN_SECONDS`   | `30`                       |
/// | `serviceCapacity` | `--service-capacity` | `MEDIAFLOW_SERVICE_CAPACITY`   | `4`                        |
/// | `retentionDays`   | `--retention-days`   | `MEDIAFLOW_RETENTION_DAYS`     | `30` (0 keeps jobs forever)|
/// | `minFreeMB`       | `--min-free-mb`      | `MEDIAFLOW_MIN_FREE_MB`        | `100` (0: no floor)        |
/// | `functions`       | `--functions`        | `MEDIAFLOW_FUNCTIONS`          | none (see `FunctionBindings`)|
/// | `callbackSecret`  | `--callback-secret`  | `MEDIAFLOW_CALLBACK_SECRET`    | none: callbacks unsigned   |
extension ServerConfiguration {
    /// The keys, as they are spelled in the config file; flags and variables derive from them.
    public static let keys: [(file: String, flag: String, variable: String)] = [
        ("host", "host", "MEDIAFLOW_HOST"), ("port", "port", "MEDIAFLOW_PORT"),
        ("dataDir", "data-dir", "MEDIAFLOW_DATA_DIR"), ("publicURL", "public-url", "MEDIAFLOW_PUBLIC_URL"),
        ("roles", "roles", "MEDIAFLOW_ROLES"), ("database", "database", "MEDIAFLOW_DATABASE"),
        ("repositoryURL", "job-repository-url", "MEDIAFLOW_JOB_REPOSITORY_URL"),
        ("processorURL", "job-processor-url", "MEDIAFLOW_JOB_PROCESSOR_URL"),
        ("registryURL", "service-registry-url", "MEDIAFLOW_SERVICE_REGISTRY_URL"),
        ("leaseSeconds", "lease-seconds", "MEDIAFLOW_LEASE_SECONDS"),
        ("callbackAttempts", "callback-attempts", "MEDIAFLOW_CALLBACK_ATTEMPTS"),
        ("maxBodyBytes", "max-body-bytes", "MEDIAFLOW_MAX_BODY_BYTES"),
        ("toolTimeoutSeconds", "tool-timeout-seconds", "MEDIAFLOW_TOOL_TIMEOUT_SECONDS"),
        ("shutdownSeconds", "shutdown-seconds", "MEDIAFLOW_SHUTDOWN_SECONDS"),
        ("serviceCapacity", "service-capacity", "MEDIAFLOW_SERVICE_CAPACITY"),
        ("retentionDays", "retention-days", "MEDIAFLOW_RETENTION_DAYS"),
        ("minFreeMB", "min-free-mb", "MEDIAFLOW_MIN_FREE_MB"),
        ("functions", "functions", "MEDIAFLOW_FUNCTIONS"),
        ("callbackSecret", "callback-secret", "MEDIAFLOW_CALLBACK_SECRET"),
    ]

    /// Resolves the configuration from flags (by file key), the environment and a config file.
    /// - Throws: `ConfigurationError` naming the key whose value is not valid.
    public static func resolve(
        flags: [String: String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServerConfiguration {
        var file: [String: String] = [:]
        if let path = flags["config"] ?? environment["MEDIAFLOW_CONFIG"] {
            guard let data = FileManager.default.contents(atPath: path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { throw ConfigurationError("Cannot read the config file \(path) as a JSON object") }
            file = object.mapValues { value in
                (value as? [Any]).map { $0.map { "\($0)" }.joined(separator: ",") } ?? "\(value)"
            }
        }
        var values: [String: String] = [:]
        for key in keys {
            if let value = flags[key.file] ?? environment[key.variable] ?? file[key.file] { values[key.file] = value }
        }
        return try ServerConfiguration(values: values)
    }

    init(values: [String: String]) throws {
        self.init()
        func number<T: LosslessStringConvertible>(_ key: String, _ type: T.Type) throws -> T? {
            guard let text = values[key] else { return nil }
            guard let value = T(text) else { throw ConfigurationError("\(key) must be a number, not '\(text)'") }
            return value
        }
        host = values["host"] ?? host
        port = try number("port", Int.self) ?? port
        dataDirectory = values["dataDir"] ?? dataDirectory
        publicURL = values["publicURL"]
        database = values["database"]
        repositoryURL = values["repositoryURL"]
        processorURL = values["processorURL"]
        registryURL = values["registryURL"]
        leaseSeconds = try number("leaseSeconds", Double.self) ?? leaseSeconds
        callbackAttempts = try number("callbackAttempts", Int.self) ?? callbackAttempts
        maxBodyBytes = try number("maxBodyBytes", Int.self) ?? maxBodyBytes
        toolTimeoutSeconds = try number("toolTimeoutSeconds", Double.self) ?? toolTimeoutSeconds
        shutdownSeconds = try number("shutdownSeconds", Double.self) ?? shutdownSeconds
        guard shutdownSeconds > 0 else { throw ConfigurationError("shutdownSeconds must be more than 0, not \(shutdownSeconds)") }
        serviceCapacity = try number("serviceCapacity", Int.self) ?? serviceCapacity
        retentionDays = try number("retentionDays", Double.self) ?? retentionDays
        minFreeMegabytes = try number("minFreeMB", Double.self) ?? minFreeMegabytes
        functionsFile = values["functions"]
        callbackSigner = try values["callbackSecret"].map(CallbackSigner.init(secrets:))
        if let text = values["roles"] {
            var roles = Set<Role>()
            for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                guard let role = Role(rawValue: name) else {
                    throw ConfigurationError(
                        "roles: unknown role '\(name)'; known: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                roles.insert(role)
            }
            guard !roles.isEmpty else { throw ConfigurationError("roles must name at least one role") }
            self.roles = roles
        }
    }
}
