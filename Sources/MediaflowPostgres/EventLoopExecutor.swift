import NIOCore

/// Runs the tasks that prefer it on an event loop: a task that talks to a connection of that loop resumes
/// on the thread that reads the connection's answers, without waking another.
final class EventLoopExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
