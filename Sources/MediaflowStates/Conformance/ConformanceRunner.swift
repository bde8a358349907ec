/// Runs conformance cases in memory: the pure interpreter with a virtual clock, so Wait states
/// and retry intervals take no real time.
public enum ConformanceRunner {
    /// Runs one case and compares the outcome: status and output by JSON value, error name
    /// exactly, cause loosely (event ids and AWS wording may differ).
    public static func run(_ testCase: ConformanceCase) -> ConformanceResult {
        let machine: StateMachine
        do {
            machine = try StateMachine(definition: testCase.definition)
        } catch {
            return ConformanceResult(testCase: testCase, failure: "definition rejected: \(error.description)")
        }
        let final = runToCompletion(machine, input: testCase.input ?? .object([:]))
        let expect = testCase.expect
        guard final.status.rawValue == expect.status else {
            let got = final.error.map { " (\($0.name): \($0.cause))" } ?? final.output.map { " with \(JSONText.serialize($0))" } ?? ""
            return ConformanceResult(testCase: testCase, failure: "status \(final.status.rawValue)\(got), expected \(expect.status)")
        }
        if expect.status == ExecutionStatus.succeeded.rawValue, let output = expect.output, final.output != output {
            return ConformanceResult(
                testCase: testCase,
                failure: "output \(final.output.map(JSONText.serialize) ?? "none"), expected \(JSONText.serialize(output))"
            )
        }
        if let error = expect.error, final.error?.name != error {
            return ConformanceResult(testCase: testCase, failure: "error \(final.error?.name ?? "none"), expected \(error)")
        }
        if let cause = expect.cause, let actual = final.error?.cause, loose(cause) != loose(actual) {
            return ConformanceResult(testCase: testCase, failure: "cause '\(actual)', expected '\(cause)'")
        }
        return ConformanceResult(testCase: testCase, failure: nil)
    }

    /// A cause with event ids blanked out, for comparison.
    private static func loose(_ cause: String) -> String {
        cause.replacing(/event id #\d+/, with: "event id #N")
    }

    /// Runs an execution to its end. Timers fire as soon as nothing else can happen; a Task
    /// fails with `States.TaskFailed`, since cases call no external services.
    public static func runToCompletion(_ machine: StateMachine, input: JSONValue, maxSteps: Int = 100_000) -> ExecutionState {
        let interpreter = StateMachineInterpreter(machine: machine)
        var now = 1_700_000_000.0
        let identity = ExecutionIdentity(
            executionArn: "arn:aws:states:local:000000000000:execution:conformance:case",
            name: "case", stateMachineArn: "arn:aws:states:local:000000000000:stateMachine:conformance",
            stateMachineName: "conformance", roleArn: "arn:aws:iam::000000000000:role/mediaflow"
        )
        var (state, step) = interpreter.start(identity: identity, input: input, seed: 42, now: now)
        var pending = step.actions
        var steps = 0
        while state.status == .running, steps < maxSteps {
            steps += 1
            if case .runTask(let task)? = pending.first(where: { if case .runTask = $0 { true } else { false } }) {
                pending.removeAll { $0 == .runTask(task) }
                step = interpreter.handle(
                    .taskFailed(token: task.token, error: StatesError.taskFailed, cause: "no resource is bound to \(task.resource)"),
                    in: &state, now: now
                )
            } else if let wakeup = state.nextWakeup {
                now = max(now, wakeup)
                step = interpreter.handle(.tick, in: &state, now: now)
            } else {
                break
            }
            pending += step.actions
        }
        return state
    }
}
