/// What a Task state's `Resource` names, and how its result comes back.
struct TaskResource: Equatable {
    enum Kind: Equatable {
        /// A Mediaflow job of this profile (`mediaflow:job:PROFILE`, or a bare profile name).
        case job(profile: String)
        /// An activity: workers poll GetActivityTask.
        case activity
        /// `arn:aws:states:::http:invoke`: an HTTP call to `ApiEndpoint`.
        case http
        /// `arn:aws:lambda:…:function:NAME`: a function, run by what the functions file binds it to.
        case function
        /// `arn:aws:states:::lambda:invoke`: the function `FunctionName`, its result wrapped as `Payload`.
        case lambdaInvoke
        case unknown
    }

    let kind: Kind
    /// The resource without its `.sync` / `.waitForTaskToken` suffix.
    let name: String
    /// `.sync`: wait for the job to end and return its output (a bare profile name implies it).
    let waitsForCompletion: Bool
    /// `.waitForTaskToken`: the result comes only from SendTaskSuccess / SendTaskFailure.
    let waitsForToken: Bool

    init(_ resource: String) {
        var name = Substring(resource)
        let waitsForToken = name.hasSuffix(".waitForTaskToken")
        if waitsForToken { name = name.dropLast(".waitForTaskToken".count) }
        let sync = name.hasSuffix(".sync")
        if sync { name = name.dropLast(".sync".count) }
        self.waitsForToken = waitsForToken
        self.name = String(name)
        if name.contains(":activity:") {
            kind = .activity
            waitsForCompletion = false
        } else if name.hasPrefix("mediaflow:job:") {
            kind = .job(profile: String(name.dropFirst("mediaflow:job:".count)))
            waitsForCompletion = sync
        } else if name == "arn:aws:states:::http:invoke" {
            kind = .http
            waitsForCompletion = sync
        } else if name.hasPrefix("arn:aws:lambda:") {
            kind = .function
            waitsForCompletion = false
        } else if name == "arn:aws:states:::lambda:invoke" {
            kind = .lambdaInvoke
            waitsForCompletion = false
        } else if !name.contains(":"), !name.isEmpty {
            kind = .job(profile: String(name))
            waitsForCompletion = true
        } else {
            kind = .unknown
            waitsForCompletion = false
        }
    }

    var isActivity: Bool { kind == .activity }

    /// Whether the functions file may bind this resource (a function ARN, or a name it would
    /// otherwise take for a job profile).
    var mayBeBound: Bool { kind == .function || kind == .unknown || (kind != .activity && !name.contains(":")) }
}
