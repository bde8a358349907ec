import AsyncHTTPClient
import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import NIOCore
import Synchronization
import Testing

/// The service bus of seed 003: the calculator served by external processes over WebSocket and
/// over HTTP, the seed's messages replayed through the gateway, and its errors.
@Suite struct BusTests {
    static let calculator = Calculator.description.address

    @Test func theSeedsCalculatorAnswersThroughTheGatewayOverWebSocketAndHTTP() async throws {
        try await withServer { server in
            let folder = MediaFixtures.temporaryDirectory()
            let overSocket = try ServerProcess(
                command: ["bus", "calculator", "--server", server.baseURL], baseURL: server.baseURL,
                log: folder.appendingPathComponent("socket.log"))
            let overHTTP = try ServerProcess(
                command: ["bus", "calculator", "--server", server.baseURL, "--http-port", String(try FreePort.pick())],
                baseURL: server.baseURL, log: folder.appendingPathComponent("http.log"))
            // SIGKILL: a graceful stop would wait on the gateway's connections, which outlive the test.
            defer {
                overSocket.terminate(by: SIGKILL)
                overHTTP.terminate(by: SIGKILL)
            }
            try await eventually("two calculator instances on the bus") { try await Self.instances(server, Self.calculator) == 2 }

            // Seed: the add request, as written there.
            let (added, addStatus) = try await Self.post(server, """
                {"serviceType": "avid.acs.calculator", "serviceRealm": "global.test", "serviceVersion": 3,
                 "op": "add", "paramSet": {"num1": 5, "num2": 3}}
                """)
            #expect(addStatus == 200)
            #expect(added["resultSet"] == ["sum": 8])
            #expect(added["serviceType"] == "avid.acs.calculator" && added["serviceRealm"] == "global.test")
            #expect(added["serviceVersion"] == 3 && added["op"] == "add" && added["errorSet"] == nil)
            let transaction = try #require(added["context"]?["transaction"])
            #expect(transaction["origin"] == "gateway")
            #expect(UUID(uuidString: transaction["id"]?.stringValue ?? "") != nil)
            let access = try #require(added["context"]?["sender"]?["access"])
            #expect(access["gateway"]?["id"]?.stringValue?.isEmpty == false && access["gateway"]?["pid"] != nil)
            #expect(access["service"]?["id"]?.stringValue?.isEmpty == false)

            // Seed: the divide response, quotient 4.
            let (divided, _) = try await Self.post(server, Self.request("divide", params: ["num1": 12, "num2": 3]))
            #expect(divided["resultSet"] == ["quotient": 4])

            // Seed: addInContext reads its operands from the context; a forged sender is replaced.
            let forged: JSONValue = ["add": ["num1": 2, "num2": 4], "sender": ["access": ["id": "forged"]]]
            let (inContext, _) = try await Self.post(server, Self.request("addInContext", params: ["add": ["num1": 2, "num2": 4]], context: forged))
            #expect(inContext["resultSet"] == ["sum": 6])
            #expect(inContext["context"]?["sender"]?["access"]?["id"] != "forged")

            // Both instances share the load.
            var servedBy = Set<String>()
            for _ in 0..<6 {
                let (answer, _) = try await Self.post(server, Self.request("add", params: ["num1": 1, "num2": 1]))
                servedBy.insert(answer["context"]?["sender"]?["access"]?["service"]?["id"]?.stringValue ?? "")
            }
            #expect(servedBy.count == 2)

            // Dividing by zero is the service's own errorSet entry, with the HTTP status it carries.
            let (failed, failedStatus) = try await Self.post(server, Self.request("divide", params: ["num1": 1, "num2": 0]))
            #expect(failedStatus == 400)
            let error = try #require(failed["errorSet"]?.arrayValue?.first)
            #expect(error["code"] == "avid.acs.calculator/E0001" && error["status"] == 400 && error["severity"] == "ERROR")
            #expect(error["message"]?.stringValue?.isEmpty == false && error["details"]?.stringValue?.isEmpty == false)
            #expect(UUID(uuidString: error["incident"]?.stringValue ?? "") != nil)
            #expect(error["origin"] == ["type": "avid.acs.calculator", "realm": "global.test", "version": 3])

            // A caller over WebSocket gets the same answers.
            let socket = try await BusSocket.connect(Self.socketURL(server))
            let response = try await socket.call(BusRequest(address: Self.calculator, op: "add", paramSet: ["num1": 5, "num2": 3]))
            #expect(response.resultSet == ["sum": 8] && response.errorSet.isEmpty)
            await socket.close()

            // A service that goes away stops receiving work at once.
            await overSocket.crash()
            try await eventually("the dead instance is gone") { try await Self.instances(server, Self.calculator) == 1 }
        }
    }

    @Test func aServiceProcessThatCrashesMidCallIsAnErrorEntry() async throws {
        try await withServer { server in
            let slow = try ServerProcess(
                command: ["bus", "calculator", "--server", server.baseURL, "--delay-ms", "20000"], baseURL: server.baseURL,
                log: MediaFixtures.temporaryDirectory().appendingPathComponent("slow.log"))
            defer { slow.terminate(by: SIGKILL) }
            try await eventually("the calculator on the bus") { try await Self.instances(server, Self.calculator) == 1 }
            async let answer = Self.post(server, Self.request("add", params: ["num1": 1, "num2": 2]))
            try await Task.sleep(for: .seconds(1))
            await slow.crash()
            let (crashed, status) = try await answer
            #expect(status == 502)
            let error = try #require(crashed["errorSet"]?.arrayValue?.first)
            #expect(error["code"] == "mediaflow.bus/E0502" && error["status"] == 502)
            #expect(error["origin"] == ["type": "avid.acs.calculator", "realm": "global.test", "version": 3])
            #expect(UUID(uuidString: error["incident"]?.stringValue ?? "") != nil)
            #expect(crashed["resultSet"] == nil)
        }
    }

    @Test func aServiceThatTimesOutOrDisconnectsMidCallIsAnErrorEntry() async throws {
        try await withServer { server in
            let address = BusAddress(type: "test.slow", realm: "global.test", version: 1)
            let service = try await BusSocket.connect(Self.socketURL(server))
            let markedCallArrived = Atomic(false)
            try await service.register(BusServiceDescription(address: address, ops: [BusOperation(name: "wait")])) { request in
                if request.paramSet?["cut"] == true { markedCallArrived.store(true, ordering: .relaxed) }
                try await Task.sleep(for: .seconds(60))
                return [:]
            }
            let caller = try await BusSocket.connect(Self.socketURL(server))
            let started = ContinuousClock.now
            let late = try await caller.call(BusRequest(address: address, op: "wait"), timeout: .milliseconds(300))
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(late.errorSet.first?.code == "mediaflow.bus/E0504" && late.errorSet.first?.status == 504)
            #expect(late.errorSet.first?.origin == address)

            async let pendingCall = caller.call(
                BusRequest(address: address, op: "wait", paramSet: ["cut": true]), timeout: .seconds(30))
            // Closed only once the call is at the service: a call that had not reached it yet would find no service.
            try await eventually("the call to reach the service") { markedCallArrived.load(ordering: .relaxed) }
            await service.close()
            let cut = try await pendingCall
            #expect(cut.errorSet.first?.code == "mediaflow.bus/E0502" && cut.errorSet.first?.status == 502)
            let (gone, status) = try await Self.post(server, JSONWriter.text(["serviceType": "test.slow", "serviceRealm": "global.test", "serviceVersion": 1, "op": "wait"]))
            #expect(status == 503 && gone["errorSet"]?.arrayValue?.first?["code"] == "mediaflow.bus/E0503")
            await caller.close()
        }
    }

    /// Malformed envelopes get an errorSet entry from the gateway, naming the field, and reach no service.
    @Test(arguments: [
        ("not json", "mediaflow.bus/E0400", 400, "JSON"),
        ("[1, 2]", "mediaflow.bus/E0402", 400, "message"),
        (#"{"serviceRealm": "global.test", "serviceVersion": 3, "op": "add"}"#, "mediaflow.bus/E0401", 400, "serviceType"),
        (#"{"serviceType": "avid.acs.calculator", "serviceRealm": "global.test", "serviceVersion": "3", "op": "add"}"#, "mediaflow.bus/E0402", 400, "serviceVersion"),
        (#"{"serviceType": "avid.acs.calculator", "serviceRealm": "global.test", "serviceVersion": 3.5, "op": "add"}"#, "mediaflow.bus/E0402", 400, "serviceVersion"),
        (#"{"serviceType": "avid.acs.calculator", "serviceRealm": "global.test", "serviceVersion": 3}"#, "mediaflow.bus/E0401", 400, "op"),
        (#"{"serviceType": "avid.acs.calculator", "serviceRealm": "global.test", "serviceVersion": 3, "op": "add", "paramSet": [5, 3]}"#, "mediaflow.bus/E0402", 400, "paramSet"),
        (#"{"serviceType": "avid.acs.calculator", "serviceRealm": "global.test", "serviceVersion": 3, "op": "add", "context": "x"}"#, "mediaflow.bus/E0402", 400, "context"),
        (#"{"serviceType": "avid.acs.calculator", "serviceRealm": "global.test", "serviceVersion": 4, "op": "add"}"#, "mediaflow.bus/E0404", 404, "version 4"),
        (#"{"serviceType": "avid.acs.calculator", "serviceRealm": "global.prod", "serviceVersion": 3, "op": "add"}"#, "mediaflow.bus/E0404", 404, "global.prod"),
        (#"{"serviceType": "avid.acs.calculator", "serviceRealm": "global.test", "serviceVersion": 3, "op": "multiply"}"#, "mediaflow.bus/E0405", 404, "multiply"),
    ])
    func aMalformedEnvelopeIsRefusedAndNotDispatched(body: String, code: String, status: Int, mentions: String) async throws {
        try await withServer { server in
            let service = try await BusSocket.connect(Self.socketURL(server))
            let served = ServedCount()
            try await service.register(Calculator.description) { request in
                served.increment()
                return try Calculator.answer(request)
            }
            let (answer, answerStatus) = try await Self.post(server, body)
            #expect(answerStatus == status)
            let error = try #require(answer["errorSet"]?.arrayValue?.first)
            #expect(error["code"]?.stringValue == code && error["status"] == .number(Double(status)))
            #expect(error["details"]?.stringValue?.contains(mentions) == true, "\(error)")
            #expect(UUID(uuidString: error["incident"]?.stringValue ?? "") != nil)

            // The same message as a WebSocket request frame is answered with the same entry.
            let caller = try await BusSocket.connect(Self.socketURL(server))
            if body.hasPrefix("{") {
                let frame = try await caller.exchange { id in #"{"action": "request", "requestId": "\#(id)", "# + body.dropFirst() }
                #expect(frame["action"] == "response" && frame["errorSet"]?.arrayValue?.first?["code"]?.stringValue == code)
            }
            #expect(served.value == 0)
            await caller.close()
            await service.close()
        }
    }

    /// A number beyond what an integer holds is read as the largest there is, not a fault that stops the node.
    @Test func anEnormousTimeoutIsTheLongestTimeout() async throws {
        try await withServer { server in
            let service = try await BusSocket.connect(Self.socketURL(server))
            try await service.register(Calculator.description) { request in try Calculator.answer(request) }
            let caller = try await BusSocket.connect(Self.socketURL(server))
            let frame = try await caller.exchange { id in
                #"{"action": "request", "requestId": "\#(id)", "timeoutMs": 1e300, "serviceType": "avid.acs.calculator", "# +
                    #""serviceRealm": "global.test", "serviceVersion": 3, "op": "add", "paramSet": {"num1": 5, "num2": 3}}"#
            }
            #expect(frame["resultSet"]?["sum"] == 8, "\(frame)")
            await caller.close()
            await service.close()
        }
    }

    @Test func channelsDeliverToEverySubscriberAndInTurnWithinAGroup() async throws {
        try await withServer { server in
            let inbox = Inbox()
            var sockets: [BusSocket] = []
            for (name, pattern, group) in [("one", "media.*.done", nil), ("all", "media.#", nil), ("w1", "media.#", "workers"), ("w2", "media.#", "workers")] as [(String, String, String?)] {
                let socket = try await BusSocket.connect(Self.socketURL(server))
                try await socket.subscribe(pattern, group: group) { channel, message, context in
                    inbox.add(name, channel: channel, hasTransaction: context["transaction"]?["id"] != nil)
                }
                sockets.append(socket)
            }
            let publisher = try await BusSocket.connect(Self.socketURL(server))
            for _ in 0..<4 { #expect(try await publisher.publish(["clip": "a.mxf"], on: "media.ingest.done") == 3) }
            #expect(try await publisher.publish(["clip": "b.mxf"], on: "media.ingest.proxy.done") == 2)
            try await eventually("every delivery") { inbox.count == 14 }
            #expect(inbox.received("one") == 4 && inbox.received("all") == 5)
            #expect(inbox.received("w1") + inbox.received("w2") == 5 && abs(inbox.received("w1") - inbox.received("w2")) == 1)
            #expect(inbox.allHaveTransactions)
            await #expect(throws: BusFault.self) { _ = try await publisher.publish([:], on: "media.*") }
            for socket in sockets + [publisher] { await socket.close() }
        }
    }

    @Test func mediaflowsOwnCapabilitiesAreBusServices() async throws {
        try await withServer { server in
            let jobs = BusAddress(type: "mediaflow.jobs", realm: "global", version: 1)
            let socket = try await BusSocket.connect(Self.socketURL(server))
            let created = try await socket.call(BusRequest(address: jobs, op: "create", paramSet: ["type": "AmeJob", "jobProfile": ["type": "JobProfile", "label": "NoOp"]]))
            #expect(created.errorSet.isEmpty, "\(created.errorSet)")
            let id = try #require(created.resultSet?["id"]?.stringValue)
            #expect(created.resultSet?["jobStatus"] == "NEW")
            let fetched = try await socket.call(BusRequest(address: jobs, op: "get", paramSet: ["id": .string(id)]))
            #expect(fetched.resultSet?["id"]?.stringValue == id)
            let refused = try await socket.call(BusRequest(address: jobs, op: "create", paramSet: ["type": "AmeJob", "jobProfile": ["type": "JobProfile", "label": "NoSuchProfile"]]))
            #expect(refused.errorSet.first?.status == 422 || refused.errorSet.first?.status == 400)
            #expect(refused.errorSet.first?.details.contains("jobProfile") == true, "\(refused.errorSet)")
            let machines = try await socket.call(BusRequest(address: BusAddress(type: "mediaflow.workflows", realm: "global", version: 1), op: "ListStateMachines"))
            #expect(machines.resultSet?["stateMachines"] == [])
            await socket.close()
        }
    }
}

extension BusTests {
    static func socketURL(_ server: TestServer) -> String { server.baseURL.replacingOccurrences(of: "http://", with: "ws://") + "/bus/ws" }

    static func request(_ op: String, params: JSONValue, context: JSONValue? = nil) -> String {
        var message: JSONObject = [
            "serviceType": "avid.acs.calculator", "serviceRealm": "global.test", "serviceVersion": 3, "op": .string(op),
            "paramSet": params,
        ]
        if let context { message["context"] = context }
        return JSONWriter.text(.object(message))
    }

    /// POSTs a message to `/bus`; the answer and its status.
    static func post(_ server: TestServer, _ body: String) async throws -> (JSONValue, Int) {
        var request = HTTPClientRequest(url: server.baseURL + "/bus")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (try JSONParser.parse(bytes.readableBytesView), Int(response.status.code))
    }

    static func instances(_ server: TestServer, _ address: BusAddress) async throws -> Int {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: server.baseURL + "/bus/services"), timeout: .seconds(5))
        let list = try JSONParser.parse(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        let entry = list["services"]?.arrayValue?.first {
            $0["serviceType"]?.stringValue == address.type && $0["serviceRealm"]?.stringValue == address.realm
                && $0["serviceVersion"] == .number(Double(address.version))
        }
        return Int(entry?["instances"]?.numberValue ?? 0)
    }
}

/// Requests a test service has served.
final class ServedCount: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// Channel messages received, by subscriber.
final class Inbox: Sendable {
    private let entries = Mutex<[(subscriber: String, channel: String, hasTransaction: Bool)]>([])
    func add(_ subscriber: String, channel: String, hasTransaction: Bool) {
        entries.withLock { $0.append((subscriber, channel, hasTransaction)) }
    }
    var count: Int { entries.withLock { $0.count } }
    func received(_ subscriber: String) -> Int { entries.withLock { $0.filter { $0.subscriber == subscriber }.count } }
    var allHaveTransactions: Bool { entries.withLock { $0.allSatisfy(\.hasTransaction) } }
}
