/// Runs a state machine as a pure function: an event and the current `ExecutionState` in, the
/// new state, history events and actions out. It does no I/O and reads no clock; the caller
/// passes `now`, persists the step, then performs its actions.
public struct StateMachineInterpreter: Sendable {
    public let machine: StateMachine

    public init(machine: StateMachine) {
        self.machine = machine
    }

    /// Starts an execution and runs it until it waits on something.
    /// - Parameters:
    ///   - seed: seeds the execution's random source (`States.UUID`, task tokens, jitter).
    ///   - now: the start time, in seconds since 1970.
    public func start(identity: ExecutionIdentity, input: JSONValue, seed: UInt64, now: Double) -> (ExecutionState, ExecutionStep) {
        var run = ExecutionRun(
            machine: machine,
            state: ExecutionState(identity: identity, input: input, startTime: now, seed: seed),
            now: now
        )
        run.begin()
        run.drain()
        return (run.state, run.step)
    }

    /// Applies an event to an execution and runs it until it waits again.
    public func handle(_ event: ExecutionEvent, in state: inout ExecutionState, now: Double) -> ExecutionStep {
        guard state.status == .running else {
            var step = ExecutionStep()
            step.accepted = false
            return step
        }
        var run = ExecutionRun(machine: machine, state: state, now: now)
        run.apply(event)
        run.drain()
        state = run.state
        return run.step
    }
}
