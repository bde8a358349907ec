import Dispatch

/// Runs tasks that prefer it on a serial dispatch queue of their own, off Swift's cooperative threads: a
/// task that many others wait on resumes as soon as its I/O answers, not after the jobs queued there
/// before it.
final class QueueExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label, qos: .userInitiated) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
