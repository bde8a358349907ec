import ArgumentParser
import Foundation
import MediaflowServer
import MediaflowStates

struct WorkflowCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a state machine from an ASL file.")
    @Argument(help: "The state machine's name.") var name: String
    @Argument(help: "The definition (JSON).") var file: String
    @OptionGroup var server: ServerOption

    func run() async throws {
        guard let definition = JSONText.parse(try String(contentsOfFile: file, encoding: .utf8)) else {
            throw ValidationError("\(file) is not JSON")
        }
        let created = try await server.remote.send(.POST, "/StateMachine", ["name": .string(name), "definition": definition])
        print(created["stateMachineArn"]?.stringValue ?? "")
    }
}

struct WorkflowStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start an execution of a state machine.")
    @Argument(help: "The state machine's name or ARN.") var stateMachine: String
    @Option(help: "The input, as JSON text.") var input = "{}"
    @Option(help: "The execution's name (default: a UUID).") var name: String?
    @Flag(help: "Follow the execution until it ends, printing each state as it is entered.") var wait = false
    @OptionGroup var server: ServerOption

    func run() async throws {
        guard let value = JSONText.parse(input) else { throw ValidationError("--input is not JSON") }
        var body: JSONObject = ["stateMachine": .string(stateMachine), "input": value]
        if let name { body["name"] = .string(name) }
        let started = try await server.remote.send(.POST, "/Execution", .object(body))
        let arn = started["executionArn"]?.stringValue ?? ""
        print(arn)
        if wait { try await WorkflowFollow.follow(arn, server.remote) }
    }
}

struct WorkflowDescribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show an execution's status, output or error.")
    @Argument(help: "The execution ARN.") var execution: String
    @Flag(help: "Follow the execution until it ends.") var wait = false
    @OptionGroup var server: ServerOption

    func run() async throws {
        if wait { return try await WorkflowFollow.follow(execution, server.remote) }
        let described = try await server.remote.send(.GET, WorkflowPaths.execution(execution))
        WorkflowFollow.printSummary(described)
    }
}

struct WorkflowHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "List an execution's history events.")
    @Argument(help: "The execution ARN.") var execution: String
    @OptionGroup var server: ServerOption

    func run() async throws {
        try await WorkflowFollow.forEachEvent(of: execution, after: 0, server.remote) { WorkflowFollow.printEvent($0) }
    }
}

struct WorkflowStop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop a running execution.")
    @Argument(help: "The execution ARN.") var execution: String
    @Option(help: "The error to record.") var error: String?
    @Option(help: "The cause to record.") var cause: String?
    @OptionGroup var server: ServerOption

    func run() async throws {
        var body: JSONObject = [:]
        if let error { body["error"] = .string(error) }
        if let cause { body["cause"] = .string(cause) }
        WorkflowFollow.printSummary(try await server.remote.send(.POST, WorkflowPaths.execution(execution) + "/stop", .object(body)))
    }
}

/// Following an execution's progress: a long poll of the execution, and its history's new events at each change.
enum WorkflowFollow {
    static func follow(_ arn: String, _ remote: ServerRemote) async throws {
        var lastEvent = 0
        let described = try await remote.client.follow(remote.baseURL + WorkflowPaths.execution(arn)) { body in
            lastEvent = try await printStatesEntered(in: arn, after: lastEvent, remote)
            let described = JSONText.parse(String(decoding: body, as: UTF8.self)) ?? .null
            return described["status"]?.stringValue == "RUNNING" ? nil : described
        }
        printSummary(described)
        if described["status"]?.stringValue != "SUCCEEDED" { throw ExitCode(1) }
    }

    /// Prints the states entered among the execution's events after the one numbered `after`.
    /// - Returns: the last event's number.
    private static func printStatesEntered(in arn: String, after: Int, _ remote: ServerRemote) async throws -> Int {
        try await forEachEvent(of: arn, after: after, remote) { event in
            if event["type"]?.stringValue?.hasSuffix("Entered") == true { printEvent(event) }
        }
    }

    /// Calls `body` with each of the execution's events after the one numbered `after`, a page of history at a time.
    /// - Returns: the last event's number.
    @discardableResult
    static func forEachEvent(of arn: String, after: Int, _ remote: ServerRemote, _ body: (JSONValue) -> Void) async throws -> Int {
        var last = after
        while true {
            let page = try await remote.send(.GET, WorkflowPaths.execution(arn) + "/history?nextToken=\(last)")
            let events = page["events"]?.arrayValue ?? []
            events.forEach(body)
            last = events.last?["id"]?.numberValue.map { Int(saturating: $0) } ?? last
            if page["nextToken"] == nil { return last }
        }
    }

    static func printEvent(_ event: JSONValue) {
        let id = Int(saturating: event["id"]?.numberValue ?? 0)
        let type = event["type"]?.stringValue ?? ""
        let name = event["stateEnteredEventDetails"]?["name"]?.stringValue ?? event["stateExitedEventDetails"]?["name"]?.stringValue ?? ""
        print("  \(String(id).padding(toLength: 4, withPad: " ", startingAt: 0)) \(type) \(name)")
    }

    static func printSummary(_ described: JSONValue) {
        print("status: \(described["status"]?.stringValue ?? "?")")
        if let output = described["output"]?.stringValue { print("output: \(output)") }
        if let error = described["error"]?.stringValue { print("error:  \(error)\ncause:  \(described["cause"]?.stringValue ?? "")") }
    }
}
