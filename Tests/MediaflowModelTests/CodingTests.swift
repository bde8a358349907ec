import Foundation
import MediaflowModel
import Testing

@Suite struct CodingTests {
    @Test func timestampsHaveMillisecondsInUTC() throws {
        let date = Date(timeIntervalSince1970: 1_490_879_500.078)
        #expect(Timestamp.format(date) == "2017-03-30T13:11:40.078Z")
        #expect(abs(try #require(Timestamp.parse("2017-03-30T13:11:40.078Z")).timeIntervalSince(date)) < 0.0005)
        #expect(Timestamp.parse("2017-03-30T13:11:40Z") != nil)
        #expect(Timestamp.parse("yesterday") == nil)
    }

    @Test func theSeedJobRequestDecodes() throws {
        let body = """
            {"@context": "https://job-repository/context/default", "type": "AmeJob",
             "jobProfile": {"label": "ExtractTechnicalMetadata", "type": "JobProfile"},
             "hasRelatedResource": {"type": "BMEssence", "locator": "https://example/clip.mp4"}}
            """
        let job = try ProtocolJSON.decode(Job.self, from: Data(body.utf8))
        #expect(job.context == "https://job-repository/context/default")
        #expect(job.type == .ameJob)
        #expect(job.jobProfile.label == "ExtractTechnicalMetadata")
        #expect(job.hasRelatedResource?.locator == "https://example/clip.mp4")
        let encoded = try ProtocolJSON.decode(JSONValue.self, from: ProtocolJSON.encode(job))
        #expect(encoded["@context"] == "https://job-repository/context/default")
        #expect(encoded["jobStatus"] == nil)
    }

    @Test func resourceLinksAreReadBackFromTheirURL() throws {
        let link = try #require(ResourceLink(parsing: "https://job-repository/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14", collection: "Job"))
        #expect(link.baseURL == "https://job-repository")
        #expect(link.path == "/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14")
        #expect(ResourceLink(parsing: "http://host/base/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14", collection: "Job")?.baseURL == "http://host/base")
        #expect(ResourceLink(parsing: "https://job-repository/Job/not-a-uuid", collection: "Job") == nil)
        #expect(ResourceLink(parsing: "https://job-repository/StartJob/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14", collection: "Job") == nil)
        #expect(ResourceLink(parsing: "job-repository", collection: "Job") == nil)
    }

    @Test func wholeNumbersEncodeWithoutAFraction() throws {
        let text = String(decoding: try ProtocolJSON.encode(JSONValue.object(["n": 42, "x": 0.5])), as: UTF8.self)
        #expect(text == #"{"n":42,"x":0.5}"#)
    }
}
