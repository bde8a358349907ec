import ArgumentParser
import Foundation
import MediaflowStates

/// `mediaflow workflow validate FILE`: every problem in a definition, with its JSON path.
struct WorkflowValidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check an ASL definition and report every error with its JSON path.")

    @Argument(help: "The state machine definition (JSON).")
    var file: String

    func run() throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        do {
            let machine = try StateMachine(json: text)
            print("\(file): valid (\(machine.taskResources.count) task resource(s))")
        } catch {
            for issue in error.issues { print("\(file): \(issue.location): \(issue.message)") }
            throw ExitCode(1)
        }
    }
}
