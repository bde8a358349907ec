import NIOCore
import Synchronization

/// Runs the tasks that prefer it on an event loop: a task that talks to a connection of that loop resumes
/// on the thread that reads the connection's answers, without waking another.
final class EventLoopExecutor: TaskExecutor {
    private let loop: any EventLoop

    private init(_ loop: any EventLoop) { self.loop = loop }

    /// The executor of `loop`, one per loop.
    static func of(_ loop: any EventLoop) -> EventLoopExecutor {
        executors.withLock { executors in
            if let executor = executors[ObjectIdentifier(loop)] { return executor }
            let executor = EventLoopExecutor(loop)
            executors[ObjectIdentifier(loop)] = executor
            return executor
        }
    }

    private static let executors = Mutex<[ObjectIdentifier: EventLoopExecutor]>([:])

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
