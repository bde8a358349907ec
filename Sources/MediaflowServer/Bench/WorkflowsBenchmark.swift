import Foundation
import Logging
import MediaflowSQLite
import MediaflowStates
import MediaflowStore

/// Many executions of a Pass/Choice/Map state machine through the durable workflow engine on a
/// fresh SQLite file (synchronous=FULL): every step is committed before the next begins.
public struct WorkflowsBenchmark: Sendable {
    public let executions: Int
    public let concurrency: Int
    public let items: Int
    public let dataDirectory: String

    public init(executions: Int, concurrency: Int, items: Int, dataDirectory: String) {
        self.executions = executions
        self.concurrency = concurrency
        self.items = items
        self.dataDirectory = dataDirectory
    }

    public struct Result: Sendable {
        public let executions: Int
        public let transitions: Int
        public let seconds: Double
        let latencies: [Double]

        public var transitionsPerSecond: Double { Double(transitions) / seconds }
        /// Start-to-end latency at quantile `q`, in milliseconds.
        public func latency(_ q: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))] * 1000
        }
    }

    /// A loop of Choice and Pass states around a Map over the input's items.
    static let definition: JSONValue = [
        "StartAt": "Setup",
        "States": [
            "Setup": ["Type": "Pass", "Parameters": ["items.$": "$.items", "round": 0], "Next": "Fan"],
            "Fan": [
                "Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.results", "Next": "Count",
                "ItemProcessor": [
                    "StartAt": "Check",
                    "States": [
                        "Check": [
                            "Type": "Choice", "Default": "Even",
                            "Choices": [["Variable": "$", "NumericGreaterThan": 2, "Next": "Big"]],
                        ],
                        "Big": ["Type": "Pass", "Result": "big", "End": true],
                        "Even": ["Type": "Pass", "Result": "small", "End": true],
                    ],
                ],
            ],
            "Count": ["Type": "Pass", "Parameters": ["items.$": "$.items", "round.$": "States.MathAdd($.round, 1)"], "Next": "Again"],
            "Again": ["Type": "Choice", "Choices": [["Variable": "$.round", "NumericLessThan": 2, "Next": "Fan"]], "Default": "Done"],
            "Done": ["Type": "Succeed"],
        ],
    ]

    public func run() async throws -> Result {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: dataDirectory + "/bench.sqlite")
        let engine = WorkflowEngine(store: store, logger: Logger(label: "bench"))
        let machine = try await engine.createStateMachine(name: "bench", definition: Self.definition, roleArn: nil)
        let input: JSONValue = ["items": .array((0..<items).map { .number(Double($0)) })]
        let started = ContinuousClock.now
        let outcomes = try await withThrowingTaskGroup(of: (Double, Int).self) { group in
            var outcomes: [(Double, Int)] = []
            var next = 0
            func launch() {
                group.addTask {
                    let begin = ContinuousClock.now
                    let record = try await engine.startExecution(stateMachineArn: machine.arn, name: nil, input: input)
                    let state = try record.interpreterState()
                    guard state.status == .succeeded else { throw StoreError.unavailable("execution ended \(state.status)") }
                    let elapsed = ContinuousClock.now - begin
                    return (elapsed.seconds, state.transitions)
                }
                next += 1
            }
            while next < min(concurrency, executions) { launch() }
            while let outcome = try await group.next() {
                outcomes.append(outcome)
                if next < executions { launch() }
            }
            return outcomes
        }
        let elapsed = ContinuousClock.now - started
        return Result(
            executions: outcomes.count, transitions: outcomes.reduce(0) { $0 + $1.1 },
            seconds: elapsed.seconds,
            latencies: outcomes.map(\.0).sorted())
    }
}
