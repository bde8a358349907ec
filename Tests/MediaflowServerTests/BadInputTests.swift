import Foundation
import MediaflowModel
import MediaflowServer
import MediaflowTesting
import Testing

/// Every kind of bad request gets `application/problem+json` naming the field at fault, and changes nothing.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method = "POST"
        var path: String
        var body: String?
        var status: Int
        var pointer: String?
        var testDescription: String { name }
    }

    static let seedJob = #"{"type":"AmeJob","jobProfile":{"label":"ExtractTechnicalMetadata","type":"JobProfile"},"hasRelatedResource":{"type":"BMEssence","locator":"file:///clip.mp4"}}"#

    static let jobCases: [Case] = [
        Case(name: "malformed JSON", path: "/Job", body: #"{"type": "AmeJob""#, status: 400, pointer: ""),
        // Foundation's JSON parser traps on this (arrays left open 512 deep at the end): it stopped the node.
        Case(name: "arrays left open 512 deep", path: "/Job", body: #"{"a":"# + String(repeating: "[", count: 512), status: 400, pointer: ""),
        Case(name: "a service's arrays left open 512 deep", path: "/Service", body: #"{"a":"# + String(repeating: "[", count: 512), status: 400, pointer: ""),
        Case(name: "a bus endpoint that is not JSON", path: "/bus/services", body: "{", status: 400, pointer: ""),
        Case(name: "a channel message that is not JSON", path: "/bus/channels/news", body: "{", status: 400, pointer: ""),
        Case(name: "not an object", path: "/Job", body: "[1, 2]", status: 422, pointer: ""),
        Case(name: "unknown job type", path: "/Job", body: seedJob.replacingOccurrences(of: "AmeJob", with: "FooJob"), status: 422, pointer: "/type"),
        Case(name: "missing type", path: "/Job", body: #"{"jobProfile":{"label":"NoOp","type":"JobProfile"}}"#, status: 422, pointer: "/type"),
        Case(name: "missing job profile", path: "/Job", body: #"{"type":"AmeJob"}"#, status: 422, pointer: "/jobProfile"),
        Case(name: "unknown profile", path: "/Job", body: seedJob.replacingOccurrences(of: "ExtractTechnicalMetadata", with: "MakeCoffee"), status: 422, pointer: "/jobProfile/label"),
        Case(name: "profile of another job type", path: "/Job", body: seedJob.replacingOccurrences(of: "AmeJob", with: "QAJob"), status: 422, pointer: "/type"),
        Case(name: "missing required input", path: "/Job", body: #"{"type":"AmeJob","jobProfile":{"label":"ExtractTechnicalMetadata","type":"JobProfile"}}"#, status: 422, pointer: "/hasRelatedResource"),
        Case(name: "missing required job input", path: "/Job", body: #"{"type":"TransformJob","jobProfile":{"label":"Transcode","type":"JobProfile"},"hasRelatedResource":{"type":"BMEssence","locator":"file:///clip.mp4"}}"#, status: 422, pointer: "/jobInput/preset"),
        Case(name: "an input of the wrong JSON type", path: "/Job", body: #"{"type":"TransformJob","jobProfile":{"label":"CreateProxy","type":"JobProfile"},"hasRelatedResource":{"type":"BMEssence","locator":"file:///clip.mp4"},"jobInput":{"width":"wide"}}"#, status: 422, pointer: "/jobInput/width"),
        Case(name: "locator of the wrong type", path: "/Job", body: seedJob.replacingOccurrences(of: #""file:///clip.mp4""#, with: "42"), status: 422, pointer: "/hasRelatedResource/locator"),
        Case(name: "unsupported locator scheme", path: "/Job", body: seedJob.replacingOccurrences(of: "file:///clip.mp4", with: "ftp://host/clip.mp4"), status: 422, pointer: "/hasRelatedResource/locator"),
        Case(name: "oversized body", path: "/Job", body: #"{"type":"AmeJob","pad":""# + String(repeating: "x", count: 2 << 20) + #""}"#, status: 413, pointer: ""),
        Case(name: "StartJob without job", path: "/StartJob", body: #"{"type":"StartJob"}"#, status: 422, pointer: "/job"),
        Case(name: "StartJob with a job that is not a URL", path: "/StartJob", body: #"{"type":"StartJob","job":"yesterday's job"}"#, status: 422, pointer: "/job"),
        Case(name: "StartJob with a job that does not exist", path: "/StartJob", body: #"{"type":"StartJob","job":"http://127.0.0.1:1/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14"}"#, status: 422, pointer: "/job"),
        Case(name: "StartJob with an unknown priority", path: "/StartJob", body: #"{"type":"StartJob","job":"x","priority":"ASAP"}"#, status: 422, pointer: "/priority"),
        Case(name: "StartJob with a notBefore that is not a time", path: "/StartJob", body: #"{"type":"StartJob","job":"x","notBefore":"tomorrow"}"#, status: 422, pointer: "/notBefore"),
        Case(name: "StartJob with a timeout of no time", path: "/StartJob", body: #"{"type":"StartJob","job":"http://h/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14","timeoutSeconds":0}"#, status: 422, pointer: "/timeoutSeconds"),
        Case(name: "StartJob with a timeout that is not a number", path: "/StartJob", body: #"{"type":"StartJob","job":"x","timeoutSeconds":"1h"}"#, status: 422, pointer: "/timeoutSeconds"),
        Case(name: "StartJob of the wrong type", path: "/StartJob", body: #"{"type":"StopJob","job":"x"}"#, status: 422, pointer: "/type"),
        Case(name: "UpdateJob with a final status", path: "/UpdateJob", body: #"{"type":"UpdateJob","job":"http://h/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14","jobStatus":"COMPLETED"}"#, status: 422, pointer: "/jobStatus"),
        Case(name: "hand-back without its ProcessJob", path: "/UpdateJob", body: #"{"type":"UpdateJob","job":"http://h/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14","jobStatus":"QUEUED"}"#, status: 422, pointer: "/processJob"),
        Case(name: "StopJob for a job that does not exist", path: "/StopJob", body: #"{"type":"StopJob","job":"http://h/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14","jobStatus":"COMPLETED"}"#, status: 404, pointer: nil),
        Case(name: "ProcessJob without asyncEndpoint", path: "/ProcessJob", body: #"{"type":"ProcessJob","job":"http://h/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14"}"#, status: 422, pointer: "/asyncEndpoint"),
        Case(name: "Service with an unknown profile", path: "/Service", body: #"{"label":"X","jobType":"AmeJob","jobProfiles":["Nope"],"processJobEndpoint":"http://h/ProcessJob"}"#, status: 422, pointer: "/jobProfiles/0"),
        Case(name: "Service with no capacity", path: "/Service", body: #"{"label":"X","jobType":"AmeJob","jobProfiles":["NoOp"],"processJobEndpoint":"http://h/ProcessJob","capacity":0}"#, status: 422, pointer: "/capacity"),
        Case(name: "JobProfile that exists", path: "/JobProfile", body: #"{"type":"JobProfile","label":"NoOp","inputParameters":[]}"#, status: 409, pointer: "/label"),
        Case(name: "unknown job", method: "GET", path: "/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14", status: 404, pointer: nil),
        Case(name: "unknown list filter", method: "GET", path: "/Job?colour=red", status: 400, pointer: nil),
        Case(name: "bad status filter", method: "GET", path: "/Job?status=DONE", status: 400, pointer: nil),
        Case(name: "bad limit", method: "GET", path: "/Job?limit=0", status: 400, pointer: nil),
    ]

    @Test(arguments: jobCases) func isRefusedWithAProblem(_ bad: Case) async throws {
        try await withServer { server in
            let http = RawHTTP(baseURL: server.baseURL)
            let before = try await server.client.jobs(["limit": "1000"]).jobs.count
            let reply = try await http.send(bad.method, bad.path, raw: bad.body.map { Data($0.utf8) })
            #expect(reply.status == bad.status)
            #expect(reply.contentType == "application/problem+json")
            #expect(reply.json["status"]?.numberValue == Double(bad.status))
            #expect(reply.json["title"]?.stringValue?.isEmpty == false)
            #expect(reply.json["detail"]?.stringValue?.isEmpty == false)
            if let pointer = bad.pointer { #expect(reply.json["pointer"]?.stringValue == pointer) }
            #expect(try await server.client.jobs(["limit": "1000"]).jobs.count == before)
        }
    }

    @Test func aJobCannotBeStartedTwiceAndStaysAsItWas() async throws {
        try await withServer { server in
            let job = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))
            _ = try await server.client.start(jobURL: job.id!)
            let again = await #expect(throws: ClientError.self) { try await server.client.start(jobURL: job.id!) }
            #expect(again?.status == 409)
            #expect(again?.problem?["pointer"] == "/job")
        }
    }

    @Test func aStartJobWithABadCallbackURLChangesNothing() async throws {
        try await withServer { server in
            let job = try await server.client.create(Job(type: .ameJob, profile: "NoOp"))
            let refused = await #expect(throws: ClientError.self) {
                try await server.client.start(jobURL: job.id!, asyncEndpoint: AsyncEndpoint(success: "not a url"))
            }
            #expect(refused?.problem?["pointer"] == "/asyncEndpoint/success")
            #expect(try await server.client.job(job.id!).status == .new)
        }
    }
}
