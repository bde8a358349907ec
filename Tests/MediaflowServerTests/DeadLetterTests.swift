import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import Testing

/// A callback that could not be delivered is kept as a dead letter: listed at `/Callback`, shown with its body,
/// and delivered again on request once its caller is back.
@Suite struct DeadLetterTests {
    @Test func aDeadLetterIsListedShownAndDeliveredAgainOnRequest() async throws {
        var configuration = try TestServer.configuration()
        configuration.callbackAttempts = 1
        let once = configuration
        try await withCallbackReceiver { receiver, callback in
            try await withServer(once) { server in
                let http = RawHTTP(baseURL: server.baseURL)
                receiver.setRefusing(true)
                let endpoint = AsyncEndpoint(success: callback + "/success", failure: callback + "/failure")
                var jobs: [String] = []
                for _ in 0..<2 {
                    let job = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))
                    _ = try await server.client.start(jobURL: job.id!, asyncEndpoint: endpoint)
                    jobs.append(job.id!)
                }
                try await eventually("both callbacks are dead letters") {
                    try await http.get("/Callback").json["items"]?.arrayValue?.count == 2
                }
                let metrics = try await http.get("/metrics")
                #expect(metrics.contentType == "text/plain; version=0.0.4; charset=utf-8")
                let exposition = String(decoding: metrics.body, as: UTF8.self)
                for line in ["mediaflow_callbacks{state=\"dead\"} 2", "mediaflow_callbacks{state=\"pending\"} 0", "mediaflow_jobs{status=\"RUNNING\"} 0"] {
                    #expect(exposition.contains("\n\(line)\n"), "\(exposition)")
                }

                let first = try await http.get("/Callback?limit=1")
                #expect(first.status == 200)
                let dead = try #require(first.json["items"]?.arrayValue?.first)
                #expect(Set(jobs).contains(dead["job"]?.stringValue ?? ""))
                #expect(dead["state"] == "DEAD" && dead["attempts"] == 1 && dead["target"] == .string(callback + "/success"))
                #expect(dead["lastError"]?.stringValue?.contains("503") == true)
                #expect(dead["body"] == nil && dead["nextAttemptAt"] == nil)
                let next = try #require(first.json["next"]?.stringValue)
                let second = try await http.get(next)
                #expect(second.json["items"]?.arrayValue?.first?["job"] != dead["job"])
                #expect(second.json["next"] == nil)

                let url = try #require(dead["id"]?.stringValue)
                let shown = try await http.get(url)
                #expect(shown.json["body"]?["id"] == dead["job"])
                #expect(shown.json["body"]?["jobStatus"] == "COMPLETED")

                let listed = try await ServerProcess.command(["callback", "list", "--server", server.baseURL])
                #expect(listed.status == 0)
                let lines = listed.output.split(separator: "\n")
                #expect(lines.count == 2 && lines.allSatisfy { $0.contains("  DEAD  1  \(callback)/success  ") }, "\(listed.output)")
                #expect(lines.contains { $0.hasPrefix(url) })

                receiver.setRefusing(false)
                let redelivered = try await ServerProcess.command(["callback", "redeliver", url, "--server", server.baseURL])
                #expect(redelivered.status == 0 && redelivered.output == "PENDING\n", "\(redelivered.output)")
                #expect(try await http.get(url).json["attempts"] == 0)
                let job = try #require(dead["job"]?.stringValue)
                #expect(try await withDeadline(.seconds(30)) { await receiver.arrival(of: job) })
                try await eventually("the callback is recorded delivered") {
                    try await http.get(url).json["state"] == "DELIVERED"
                }
                #expect(try await http.get("/Callback").json["items"]?.arrayValue?.count == 1)
                #expect(try await http.get("/Callback?state=DELIVERED").json["items"]?.arrayValue?.first?["id"] == .string(url))

                let again = try await http.send("POST", url + "/redeliver", raw: nil)
                #expect(again.status == 409)
                #expect(again.json["detail"]?.stringValue?.contains("was delivered") == true)
                let refused = try await ServerProcess.command(["callback", "redeliver", url, "--server", server.baseURL])
                #expect(refused.status != 0 && refused.output.contains("409: Callback"), "\(refused.output)")
                #expect(try await http.send("POST", "/Callback/no-such-callback/redeliver", raw: nil).status == 404)
                #expect(try await http.get("/Callback/no-such-callback").status == 404)
                for (query, parameter) in [("state=LOST", "state"), ("limit=0", "limit"), ("sort=new", "sort")] {
                    let refused = try await http.get("/Callback?\(query)")
                    #expect(refused.status == 400 && refused.contentType == "application/problem+json")
                    #expect(refused.json["parameter"] == .string(parameter))
                }
            }
        }
    }
}
