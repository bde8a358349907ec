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

    @Test func timestampsAgreeWithFoundationsISO8601Styles() throws {
        // Foundation switches to the Julian calendar before 1583; ISO 8601 (and Mediaflow) stays Gregorian.
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        var millis: Int64 = -12_212_553_600_000  // 1583-01-01
        while millis < 253_402_300_799_999 {  // 9999-12-31T23:59:59.999
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            let text = Timestamp.format(date)
            #expect(abs(try style.parse(text).timeIntervalSince(date)) < 0.0005, "\(text)")
            #expect(Timestamp.parse(text) == date, "\(text)")
            millis += 7_777_777_123  // about 90 days and a fraction
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_709_251_199.5)) == "2024-02-29T23:59:59.500Z")
        #expect(Timestamp.parse("2024-02-29T23:59:59.5Z") == Date(timeIntervalSince1970: 1_709_251_199.5))
        #expect(Timestamp.parse("2024-02-29T00:00:00.123456Z").map { abs($0.timeIntervalSince1970 - 1_709_164_800.123456) < 1e-6 } == true)
        #expect(Timestamp.parse("2024-02-29T01:00:00+01:00") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(Timestamp.parse("2023-01-01T00:00:00.Z") == nil)
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
        #expect(ResourceLink(parsing: "http:///Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14", collection: "Job") == nil)
        #expect(ResourceLink(parsing: "ftp://host/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14", collection: "Job") == nil)
        #expect(ResourceLink(parsing: "http://host/Job/50F8A0CB-D722-43A9-BEF9-2F4C0EBB3E14", collection: "Job")?.id
            == "50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14")
        #expect(ResourceLink.id(in: "http://host/Job/50F8A0CB-D722-43A9-BEF9-2F4C0EBB3E14", collection: "Job")
            == "50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14")
        #expect(ResourceLink.id(in: "http://host/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e1g", collection: "Job") == nil)
        #expect(ResourceLink.isLink("https://job-repository/Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14", collection: "Job"))
        #expect(!ResourceLink.isLink("https://job-repository/Job/50f8a0cb_d722-43a9-bef9-2f4c0ebb3e14", collection: "Job"))
        #expect(!ResourceLink.isLink("https://Job/50f8a0cb-d722-43a9-bef9-2f4c0ebb3e14", collection: "Job"))
        #expect(ResourceLink(parsing: "http://host/Job/50f8a0cbxd722-43a9-bef9-2f4c0ebb3e14", collection: "Job") == nil)
    }

    @Test func wholeNumbersEncodeWithoutAFraction() throws {
        let text = String(decoding: try ProtocolJSON.encode(JSONValue.object(["n": 42, "x": 0.5])), as: UTF8.self)
        #expect(text == #"{"n":42,"x":0.5}"#)
    }
}
