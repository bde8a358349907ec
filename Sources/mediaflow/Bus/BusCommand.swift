import ArgumentParser
import Foundation
import MediaflowModel
import MediaflowServer

struct BusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bus", abstract: "Call services on the service bus, list them, or run the example calculator.",
        subcommands: [Call.self, Services.self, CalculatorCommand.self])

    struct Call: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Call an op (POST /bus) and print the response message; exits 1 when it has an errorSet.")

        @Argument(help: "The service type, e.g. avid.acs.calculator.") var type: String
        @Argument(help: "The service realm, e.g. global.test.") var realm: String
        @Argument(help: "The service version (an integer).") var version: Int
        @Argument(help: "The operation.") var op: String
        @Option(name: .customLong("param"), help: "A paramSet member, name=value; the value is read as JSON when it is JSON (repeatable).")
        var parameters: [String] = []
        @Option(help: "The whole paramSet as a JSON object (--param members are added to it).") var params: String?
        @Option(help: "The request context as a JSON object.") var context: String?
        @Option(help: "How long the service may take, in milliseconds.") var timeoutMs = 10_000
        @OptionGroup var server: ServerOption

        func run() async throws {
            var paramSet: JSONObject = try params.map { try Self.object($0, "--params") } ?? [:]
            for parameter in parameters {
                guard let equals = parameter.firstIndex(of: "=") else { throw ValidationError("--param \(parameter): expected name=value") }
                let text = String(parameter[parameter.index(after: equals)...])
                paramSet[String(parameter[..<equals])] = (try? JSONParser.parse(text)) ?? .string(text)
            }
            let request = BusRequest(
                address: BusAddress(type: type, realm: realm, version: version), op: op,
                paramSet: paramSet.isEmpty && params == nil ? nil : .object(paramSet),
                context: try context.map { try Self.object($0, "--context") } ?? [:])
            let answer = try await server.remote.post(path: "/bus?timeoutMs=\(timeoutMs)", text: request.text)
            print(JSONWriter.formatted(answer))
            if answer["errorSet"] != nil { throw ExitCode(1) }
        }

        static func object(_ text: String, _ option: String) throws -> JSONObject {
            guard case .object(let members)? = try? JSONParser.parse(text) else { throw ValidationError("\(option) must be a JSON object") }
            return members
        }
    }

    struct Services: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the services on the bus with their ops and live instances.")
        @OptionGroup var server: ServerOption

        func run() async throws {
            let answer = try await server.remote.send(.GET, "/bus/services")
            for service in answer["services"]?.arrayValue ?? [] {
                let version = service["serviceVersion"]?.numberValue.map(JSONWriter.number) ?? "?"
                let instances = service["instances"]?.numberValue.map(JSONWriter.number) ?? "0"
                print("\(service["serviceType"]?.stringValue ?? "?") \(service["serviceRealm"]?.stringValue ?? "?") v\(version)  \(instances) instance(s)")
                for op in service["ops"]?.arrayValue ?? [] {
                    print("  \(op["name"]?.stringValue ?? "?")\(op["description"]?.stringValue.map { "  — \($0)" } ?? "")")
                }
            }
        }
    }
}
