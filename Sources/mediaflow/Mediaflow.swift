import ArgumentParser

@main
struct Mediaflow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mediaflow",
        abstract: "A self-hostable platform for media-processing services.",
        subcommands: [
            Serve.self, JobCommand.self, WorkflowCommand.self, BusCommand.self, Migrate.self, CallbackCommand.self, Bench.self,
        ])
}
