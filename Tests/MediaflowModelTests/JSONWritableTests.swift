import Foundation
import MediaflowModel
import Testing

/// The documents that write their own JSON write exactly what their Codable conformance writes, through the
/// protocol's coders and through Foundation's `JSONEncoder` (which sorts an open value's members too).
@Suite struct JSONWritableTests {
    /// Foundation's encoder with the protocol's settings.
    private let foundation: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }()

    private func expectSameText(_ value: some JSONWritable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = String(decoding: try foundation.encode(value), as: UTF8.self)
        #expect(value.jsonText() == expected, sourceLocation: sourceLocation)
        #expect(JSONWriter.text(try JSONValueEncoder.encode(value)) == expected, sourceLocation: sourceLocation)
        #expect(try ProtocolJSON.encode(value) == Data(expected.utf8), sourceLocation: sourceLocation)
        #expect(try ProtocolJSON.text(value) == expected, sourceLocation: sourceLocation)
    }

    @Test func jobsInEveryShape() throws {
        var job = Job(type: .ameJob, profile: "ExtractTechnicalMetadata")
        try expectSameText(job)
        job = Job(
            type: .transformJob, profile: "Transcode \"HD\"",
            relatedResource: RelatedResource(locator: "file:///media/clip 1.mp4"),
            // In key order: the encoder sorts an open value's members, the document keeps them as given.
            jobInput: [
                "10": ["nested": ["k": -0.001]], "B": 2.5, "_x": "tab\there", "b": 1, "big": 1e21,
                "control": "\u{1}\u{8}\u{c}\n\r\u{1f}\u{7f}\u{2028}/😀\\", "long": -1_234_567_890_123, "negative": -3,
                "small": 1e-7, "zero": 0, "é": [true, false, .null],
            ])
        job.context = "http://127.0.0.1:8080/context/default"
        job.id = "http://127.0.0.1:8080/Job/3f2b8c1e-5a4d-4e7f-9c0b-1d2e3f405162"
        job.jobStatus = .running
        job.statusMessage = "50% done"
        job.progress = 50
        job.priority = .urgent
        job.startJob = "http://127.0.0.1:8080/StartJob/1"
        job.processJob = "http://127.0.0.1:8080/ProcessJob/2"
        job.jobOutput = ["empty": [:], "list": [], "summary": ["duration": 10.04, "frames": 251]]
        job.dateCreated = Date(timeIntervalSince1970: 1_490_879_500.078)
        job.dateModified = Date(timeIntervalSince1970: 1_490_879_501.5)
        try expectSameText(job)
        job.progress = 12.345
        try expectSameText(job)
    }

    @Test func openValuesKeepTheirMembersOrder() {
        var job = Job(type: .ameJob, profile: "NoOp")
        job.jobInput = ["zebra": 1, "apple": ["y": true, "x": false], "mango": 3]
        #expect(job.jsonText()?.contains(#""jobInput":{"zebra":1,"apple":{"y":true,"x":false},"mango":3}"#) == true)
    }

    /// A page of documents, as `GET /Job` writes one.
    private struct Page: JSONWritable {
        var items: [Job]
        var next: String?

        func writeMembers(to object: inout JSONObjectWriter) {
            object.member("items", items)
            object.member("next", next)
        }
    }

    @Test func arraysOfDocuments() throws {
        try expectSameText(Page(items: []))
        var second = Job(type: .qaJob, profile: "Loudness")
        second.progress = .infinity
        try expectSameText(Page(items: [Job(type: .ameJob, profile: "NoOp")], next: "http://h/Job?cursor=2"))
        #expect(Page(items: [Job(type: .ameJob, profile: "NoOp"), second]).jsonText() == nil, "an infinite number inside")
    }

    @Test func startAndProcessRecordsAndReports() throws {
        var start = StartJob(
            job: "http://h/Job/1", priority: .high, asyncEndpoint: AsyncEndpoint(success: "http://c/ok", failure: "http://c/ko"))
        try expectSameText(start)
        start.id = "http://h/StartJob/1"
        start.context = "http://h/context/default"
        start.dateCreated = Date(timeIntervalSince1970: 0)
        start.dateModified = Date(timeIntervalSince1970: 1e9)
        try expectSameText(start)
        start.notBefore = Date(timeIntervalSince1970: 1_800_000_000.25)
        start.timeoutSeconds = 90.5
        try expectSameText(start)
        try expectSameText(ProcessJob(job: "http://h/Job/1", asyncEndpoint: AsyncEndpoint(update: "u", success: "s", failure: "f")))
        try expectSameText(JobReport.update(job: "http://h/Job/1", processJob: nil, progress: 33.3, message: "a\u{0}b"))
        try expectSameText(JobReport.stop(job: "j", processJob: "p", status: .completed, output: ["n": 1]))
    }

    @Test func aNumberJSONCannotCarryIsTheEncodersError() throws {
        var job = Job(type: .ameJob, profile: "NoOp", jobInput: ["x": .number(.nan)])
        #expect(job.jsonText() == nil)
        #expect(throws: EncodingError.self) { try ProtocolJSON.encode(job) }
        job = Job(type: .ameJob, profile: "NoOp")
        job.progress = .infinity
        #expect(throws: EncodingError.self) { try ProtocolJSON.encode(job) }
    }
}
