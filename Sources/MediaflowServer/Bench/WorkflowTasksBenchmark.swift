import AsyncHTTPClient
import Foundation
import Logging
import MediaflowModel
import MediaflowStates
import ServiceLifecycle

/// `mediaflow bench workflows --tasks`: executions whose Task states run no-op jobs through the job
/// protocol (create, start, dispatch, report, callback to the workflow engine), against a server in
/// this process on SQLite. Executions are started over HTTP; the last state of each tells a receiver
/// it is done (`http:invoke`), so latency runs from StartExecution to the end of the execution.
public struct WorkflowTasksBenchmark: Sendable {
    public let executions: Int
    public let concurrency: Int
    public let dataDirectory: String

    public init(executions: Int, concurrency: Int, dataDirectory: String) {
        self.executions = executions
        self.concurrency = concurrency
        self.dataDirectory = dataDirectory
    }

    /// Two job tasks with a Choice between them, then the notice to the receiver.
    static func definition(receiver: String) -> JSONValue {
        [
            "StartAt": "Prepare",
            "States": [
                "Prepare": ["Type": "Pass", "Parameters": ["clip.$": "$.clip"], "Next": "Probe"],
                "Probe": [
                    "Type": "Task", "Resource": "mediaflow:job:NoOp.sync", "ResultSelector": ["status.$": "$.jobStatus"],
                    "ResultPath": "$.probe", "Next": "Probed?",
                ],
                "Probed?": [
                    "Type": "Choice", "Choices": [["Variable": "$.probe.status", "StringEquals": "COMPLETED", "Next": "Proxy"]],
                    "Default": "Notify",
                ],
                "Proxy": [
                    "Type": "Task", "Resource": "mediaflow:job:NoOp.sync", "ResultSelector": ["status.$": "$.jobStatus"],
                    "ResultPath": "$.proxy", "Next": "Notify",
                ],
                "Notify": [
                    "Type": "Task", "Resource": "arn:aws:states:::http:invoke", "End": true,
                    "Parameters": ["ApiEndpoint.$": .string("States.Format('\(receiver)/arrived/{}', $$.Execution.Name)"), "Method": "POST"],
                ],
            ],
        ]
    }

    public func run() async throws -> WorkflowsBenchmark.Result {
        let logger = Logger.server(label: "bench", level: .warning)
        var configuration = ServerConfiguration()
        configuration.port = try FreePort.pick()
        configuration.dataDirectory = dataDirectory
        configuration.serviceCapacity = concurrency
        let board = ArrivalBoard()
        let receiverPort = try FreePort.pick()
        let receiverURL = "http://127.0.0.1:\(receiverPort)"
        let services: [any Service] = [try await buildApplication(configuration, logger: logger)]
        let transport = HTTPTransport(client: .mediaflow)
        let base = configuration.baseURL
        return try await whileServing(services, logger: logger) {
            try await JobsBenchmark.waitUntilHealthy(MediaflowClient(baseURL: base))
            let receiver = try await LeanReceiver.listen(port: receiverPort, board: board)
            defer { receiver.close(promise: nil) }
            let machine = try await transport.send(.POST, "\(base)/StateMachine", ["name": "bench-tasks", "definition": Self.definition(receiver: receiverURL)] as JSONValue)
            guard machine.status == 201 else { throw ConfigurationError("Creating the state machine answered \(machine.status)") }
            let (latencies, seconds) = try await closedLoop(count: executions, concurrency: concurrency) { _, index in
                let began = ContinuousClock.now
                async let done: Void = board.arrival(of: "e\(index)")
                let started = try await transport.send(
                    .POST, "\(base)/Execution", ["stateMachine": "bench-tasks", "name": .string("e\(index)"), "input": ["clip": "c"]] as JSONValue)
                guard started.status == 201 else { throw ConfigurationError("StartExecution answered \(started.status)") }
                await done
                return (ContinuousClock.now - began).seconds
            }
            let history = try await transport.send(.GET, "\(base)/Execution/bench-tasks/e0/history")
            let events = try JSONParser.parse(history.body)["events"]?.arrayValue ?? []
            let entered = events.filter { $0["type"]?.stringValue?.hasSuffix("StateEntered") == true }.count
            return WorkflowsBenchmark.Result(
                executions: latencies.count, transitions: entered * latencies.count, seconds: seconds, latencies: latencies.sorted())
        }
    }
}
