import Foundation
import MediaflowModel
import MediaflowTesting
import Testing

@testable import MediaflowServer

/// Callbacks signed as Standard Webhooks sign them, checked against the specification's example and by an
/// independent verifier (Python's `hmac`) on a real delivery.
@Suite struct CallbackSigningTests {
    /// The example of the Standard Webhooks specification and its libraries' tests.
    static let exampleSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let exampleSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    @Test func signsAsTheSpecificationsExample() throws {
        let headers = try CallbackSigner(secrets: Self.exampleSecret).headers(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", body: Data(#"{"test": 2432232314}"#.utf8),
            at: Date(timeIntervalSince1970: 1_614_265_330))
        #expect(headers.map(\.0) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers.map(\.1) == ["msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", Self.exampleSignature])
    }

    @Test func everySecretSignsWhileCallersMoveToANewOne() throws {
        let newer = CallbackSigner.makeSecret()
        let signer = try CallbackSigner(secrets: "\(newer), \(Self.exampleSecret)")
        let signatures = signer.headers(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", body: Data(#"{"test": 2432232314}"#.utf8),
            at: Date(timeIntervalSince1970: 1_614_265_330))[2].1.split(separator: " ")
        #expect(signatures.count == 2)
        #expect(signatures[0].hasPrefix("v1,") && signatures[0] != Self.exampleSignature)
        #expect(signatures[1] == Self.exampleSignature)
        // The prefix is optional, as in the specification's libraries.
        #expect(try CallbackSigner(secrets: String(Self.exampleSecret.dropFirst(6))) == CallbackSigner(secrets: Self.exampleSecret))
        #expect(!"\(signer)".contains(newer.dropFirst(6)))
    }

    @Test func aSecretThatCannotSignIsRefusedAtStart() throws {
        let short = "whsec_" + Data(repeating: 7, count: 16).base64EncodedString()
        let refusals = [
            ("whsec_not base64!", "callbackSecret's secret 1 must be whsec_ followed by Base64"),
            (short, "callbackSecret must hold at least 24 bytes, not 16"),
            (" , ", "callbackSecret must hold at least one secret"),
        ]
        for (secret, message) in refusals {
            let error = #expect(throws: ConfigurationError.self) {
                try ServerConfiguration.resolve(flags: [:], environment: ["MEDIAFLOW_CALLBACK_SECRET": secret])
            }
            #expect(error?.description.hasPrefix(message) == true, "\(secret): \(error?.description ?? "")")
        }
        #expect(try ServerConfiguration.resolve(flags: [:], environment: [:]).callbackSigner == nil)
    }

    @Test func aDeliveryIsSignedSoThatItsCallerCanCheckIt() async throws {
        let made = try await ServerProcess.command(["callback", "secret"])
        #expect(made.status == 0)
        let secret = made.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("whsec_") && Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
        var configuration = try TestServer.configuration()
        configuration.callbackSigner = try CallbackSigner(secrets: secret)
        let signed = configuration
        try await withCallbackReceiver { receiver, callback in
            try await withServer(signed) { server in
                let job = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))
                let endpoint = AsyncEndpoint(success: callback + "/success", failure: callback + "/failure")
                _ = try await server.client.start(jobURL: job.id!, asyncEndpoint: endpoint)
                #expect(try await withDeadline(.seconds(30)) { await receiver.arrival(of: job.id!) })
                let delivery = try #require(receiver.deliveries.first { $0.job == job.id! })
                let id = try #require(delivery.headers["webhook-id"])
                let timestamp = try #require(delivery.headers["webhook-timestamp"].flatMap(Double.init))
                let signature = try #require(delivery.headers["webhook-signature"])
                #expect(id == delivery.idempotencyKey)
                #expect(abs(timestamp - Date().timeIntervalSince1970) < 120)
                #expect(try await Self.verify(secret: secret, id: id, timestamp: timestamp, signature: signature, body: delivery.body))
                var altered = delivery.body
                altered.append(contentsOf: Array(" ".utf8))
                #expect(try await !Self.verify(secret: secret, id: id, timestamp: timestamp, signature: signature, body: altered))
            }
        }
    }

    /// Checks a signature as a caller would, with Python's standard library rather than our code.
    static func verify(secret: String, id: String, timestamp: Double, signature: String, body: Data) async throws -> Bool {
        let bodyFile = MediaFixtures.temporaryDirectory().appendingPathComponent("body.json")
        try body.write(to: bodyFile)
        let script = """
            import base64, hashlib, hmac, sys
            secret, id, timestamp, signature, path = sys.argv[1:]
            key = base64.b64decode(secret.removeprefix("whsec_"))
            signed = f"{id}.{timestamp}.".encode() + open(path, "rb").read()
            expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
            sys.exit(0 if any(hmac.compare_digest(expected, s) for s in signature.split(" ")) else 1)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, secret, id, String(Int64(timestamp)), signature, bodyFile.path]
        let status = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        #expect(status == 0 || status == 1, "python3 ended with \(status)")
        return status == 0
    }
}
