import Foundation
import MediaflowModel
import MediaflowStates
import MediaflowStore

/// `RunStateMachine`, the built-in `WorkflowJob` profile: runs an execution of
/// `jobInput.stateMachine` (a name or ARN) with `jobInput.input`, and completes with the execution's
/// ARN and output, or fails with its error and cause. The execution is named after the job, so a job
/// taken up again after a crash waits on the execution it started rather than starting another.
/// Cancelling the job stops the execution; the node's shutdown leaves it running, for the job to wait on
/// again when it is dispatched again.
struct StateMachineWorker: JobWorker {
    let engine: WorkflowEngine
    /// How often the execution is looked at while it runs.
    var pollInterval = Duration.milliseconds(100)

    func run(_ job: Job, context: WorkContext) async throws -> JSONObject {
        guard let machine = job.jobInput?["stateMachine"]?.stringValue, !machine.isEmpty else {
            throw WorkflowJobFailure("jobInput.stateMachine must name a state machine")
        }
        let machineArn = WorkflowNames.stateMachine(machine)
        let name = "job-\(context.jobID)"
        let executionArn = WorkflowNames.executionArn(machine: WorkflowNames.name(of: machineArn), name: name)
        if try await engine.store.execution(arn: executionArn) == nil {
            do {
                _ = try await engine.startExecution(stateMachineArn: machineArn, name: name, input: job.jobInput?["input"] ?? [:])
            } catch let error as StoreError {
                guard error.isConflict else { throw WorkflowJobFailure("Cannot start \(machine): \(error)") }
            }
        }
        await context.progress(1, "Running \(executionArn)")
        do {
            while true {
                guard let record = try await engine.store.execution(arn: executionArn) else {
                    throw WorkflowJobFailure("The execution \(executionArn) is gone")
                }
                if record.status != ExecutionStatus.running.rawValue {
                    return try outcome(of: record)
                }
                try await Task.sleep(for: pollInterval)
            }
        } catch is CancellationError {
            if context.isShuttingDown() { throw CancellationError() }
            let stop = ExecutionEvent.stop(error: "Mediaflow.JobCanceled", cause: "The WorkflowJob was canceled")
            _ = await Task { [engine] in try? await engine.deliver(stop, to: executionArn) }.value
            throw CancellationError()
        }
    }

    private func outcome(of record: ExecutionRecord) throws -> JSONObject {
        let state = try record.interpreterState()
        guard state.status == .succeeded else {
            let reason = state.error.map { "\($0.name): \($0.cause)" } ?? "no error given"
            throw WorkflowJobFailure("The execution \(record.arn) ended \(record.status): \(reason)")
        }
        return ["executionArn": .string(record.arn), "output": state.output ?? .null]
    }
}

/// Why a `WorkflowJob` failed; its text becomes the job's `statusMessage`.
struct WorkflowJobFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
