import ArgumentParser
import MediaflowServer

struct CallbackSecret: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callback-secret",
        abstract: "Print a new secret for signing callbacks (serve --callback-secret, or MEDIAFLOW_CALLBACK_SECRET).")

    func run() {
        print(CallbackSigner.makeSecret())
    }
}
