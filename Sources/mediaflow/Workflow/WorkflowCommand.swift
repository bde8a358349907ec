import ArgumentParser

/// `mediaflow workflow …`: state machines in the Amazon States Language.
struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Validate, test and run state machines written in the Amazon States Language.",
        subcommands: [
            WorkflowCreate.self, WorkflowStart.self, WorkflowDescribe.self, WorkflowHistory.self, WorkflowStop.self,
            WorkflowValidate.self, WorkflowTest.self,
        ])
}
