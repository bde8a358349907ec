import Foundation

/// The ARNs Mediaflow gives state machines, executions and activities, in Step Functions' shape so
/// that the AWS CLI and SDKs accept them.
enum WorkflowNames {
    static let prefix = "arn:aws:states:local:000000000000"

    static func stateMachineArn(_ name: String) -> String { "\(prefix):stateMachine:\(name)" }
    static func activityArn(_ name: String) -> String { "\(prefix):activity:\(name)" }
    static func executionArn(machine: String, name: String) -> String { "\(prefix):execution:\(machine):\(name)" }

    /// The last component of an ARN (or the text itself when it is a bare name).
    static func name(of arnOrName: String) -> String {
        arnOrName.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? arnOrName
    }

    /// A state machine ARN from an ARN or a bare name.
    static func stateMachine(_ arnOrName: String) -> String {
        arnOrName.hasPrefix("arn:") ? arnOrName : stateMachineArn(arnOrName)
    }

    /// Whether a name is usable: 1–80 characters, no whitespace, wildcards or separators.
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 80 && !name.contains { " \t\n<>{}[]?*\"#%\\^|~`$&,;:/".contains($0) }
    }
}

/// The REST paths of workflow resources, for the server's `Location` headers and for clients.
public enum WorkflowPaths {
    /// `/Execution/{stateMachine}/{name}`, from an execution's ARN.
    public static func execution(_ arn: String) -> String {
        let parts = arn.split(separator: ":")
        guard parts.count >= 2 else { return "/Execution/\(arn)" }
        return "/Execution/\(parts[parts.count - 2])/\(parts[parts.count - 1])"
    }
}

/// The task token handed to workers: the execution's ARN and the interpreter's token in one
/// opaque, URL-safe string, so a result can be routed without a lookup.
enum TaskToken {
    static func make(executionArn: String, token: String) -> String {
        Data("\(executionArn)|\(token)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The execution ARN and interpreter token inside a task token, or nil when it is not one.
    static func parse(_ text: String) -> (executionArn: String, token: String)? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8),
            let bar = decoded.lastIndex(of: "|")
        else { return nil }
        return (String(decoded[..<bar]), String(decoded[decoded.index(after: bar)...]))
    }
}
