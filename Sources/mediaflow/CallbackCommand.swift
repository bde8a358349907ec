import ArgumentParser
import Foundation
import MediaflowModel
import MediaflowServer

struct CallbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callback", abstract: "See callbacks that could not be delivered, deliver them again, and sign them.",
        subcommands: [List.self, Get.self, Redeliver.self, Secret.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List callbacks in a state, oldest first: dead letters unless --state says otherwise.")
        @Option(help: "DEAD, PENDING or DELIVERED.") var state = "DEAD"
        @Option(help: "How many.") var limit = 20
        @Option(help: "Where to go on: the cursor a previous page printed.") var cursor: String?
        @OptionGroup var server: ServerOption

        func run() async throws {
            var query = URLComponents()
            query.queryItems = [URLQueryItem(name: "state", value: state.uppercased()), URLQueryItem(name: "limit", value: String(limit))]
                + (cursor.map { [URLQueryItem(name: "cursor", value: $0)] } ?? [])
            let page = try await server.remote.send(.GET, "/Callback?\(query.percentEncodedQuery ?? "")")
            for callback in page["items"]?.arrayValue ?? [] {
                let columns = ["id", "state", "attempts", "target", "lastError"].map { callback[$0].map(Self.text) ?? "-" }
                print(columns.joined(separator: "  "))
            }
            if let next = page["nextCursor"]?.stringValue { print("more: --cursor \(next)") }
        }

        private static func text(_ value: JSONValue) -> String {
            value.stringValue ?? JSONWriter.formatted(value)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a callback as JSON, with its body.")
        @Argument(help: "The callback's id or URL.") var callback: String
        @OptionGroup var server: ServerOption

        func run() async throws {
            print(JSONWriter.formatted(try await server.remote.send(.GET, CallbackCommand.path(of: callback))))
        }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a dead letter another round of delivery attempts.")
        @Argument(help: "The callback's id or URL.") var callback: String
        @OptionGroup var server: ServerOption

        func run() async throws {
            let answer = try await server.remote.send(.POST, CallbackCommand.path(of: callback) + "/redeliver")
            print(answer["state"]?.stringValue ?? "")
        }
    }

    struct Secret: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new secret for signing callbacks (serve --callback-secret, or MEDIAFLOW_CALLBACK_SECRET).")

        func run() {
            print(CallbackSigner.makeSecret())
        }
    }

    /// The path of a callback given by its id or its URL.
    static func path(of callback: String) -> String {
        "/Callback/" + (callback.split(separator: "/").last.map(String.init) ?? callback)
    }
}
