/// The history events of a Task state's resource, named and shaped as Step Functions names them:
/// Lambda functions (`arn:aws:lambda:…`) and activities have events of their own; every other
/// resource (service integrations, Mediaflow jobs) has the `Task…` events.
struct TaskEvents {
    enum Family { case task, lambdaFunction, activity }

    let family: Family
    let resource: String

    init(resource: String) {
        self.resource = resource
        if resource.hasPrefix("arn:aws:lambda:") {
            family = .lambdaFunction
        } else if resource.contains(":activity:") {
            family = .activity
        } else {
            family = .task
        }
    }

    /// `Task`, `LambdaFunction` or `Activity`: the prefix of every event name.
    private var prefix: String {
        switch family {
        case .task: "Task"
        case .lambdaFunction: "LambdaFunction"
        case .activity: "Activity"
        }
    }

    /// `TaskScheduled` / `taskScheduledEventDetails` and their like.
    func name(_ what: String) -> (type: String, detailsKey: String) {
        let type = prefix + what
        return (type, type.prefix(1).lowercased() + type.dropFirst() + "EventDetails")
    }

    func scheduled(input: JSONValue, timeout: Double?, heartbeat: Double?) -> JSONObject {
        var details: JSONObject = ["resource": .string(resource)]
        switch family {
        case .task:
            details = common
            details["region"] = "local"
            details["parameters"] = .string(JSONText.serialize(input))
        case .lambdaFunction, .activity:
            details["input"] = .string(JSONText.serialize(input))
            details["inputDetails"] = ["truncated": false]
        }
        if let timeout { details["timeoutInSeconds"] = .number(timeout) }
        if let heartbeat, family != .lambdaFunction { details["heartbeatInSeconds"] = .number(heartbeat) }
        return details
    }

    /// The details of `…Started`: none for Lambda functions, the worker for activities.
    func started(worker: String?) -> JSONObject? {
        switch family {
        case .task: common
        case .lambdaFunction: nil
        case .activity: worker.map { ["workerName": .string($0)] } ?? [:]
        }
    }

    func succeeded(output: JSONValue) -> JSONObject {
        common.merging(["output": .string(JSONText.serialize(output)), "outputDetails": ["truncated": false]]) { $1 }
    }

    func failed(_ error: StatesError) -> JSONObject {
        common.merging(["error": .string(error.name), "cause": .string(error.cause)]) { $1 }
    }

    /// `resource` and `resourceType`, which only the `Task…` events carry.
    private var common: JSONObject {
        guard family == .task else { return [:] }
        let (type, name) = Self.split(resource)
        return ["resource": .string(name), "resourceType": .string(type)]
    }

    /// A resource as the `Task…` events show it: an integration `arn:aws:states:::lambda:invoke` is
    /// type `lambda`, resource `invoke`; another ARN is typed by its service; `mediaflow:job:NAME`
    /// and a bare profile name are type `mediaflow`.
    static func split(_ resource: String) -> (type: String, name: String) {
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count > 6, parts[0] == "arn", parts[2] == "states" {
            return (String(parts[5]), parts[6...].joined(separator: ":"))
        }
        if parts.count >= 6, parts[0] == "arn" { return (String(parts[2]), resource) }
        if parts.count > 1, parts[0] == "mediaflow" { return ("mediaflow", parts[1...].joined(separator: ":")) }
        return ("mediaflow", resource)
    }
}
