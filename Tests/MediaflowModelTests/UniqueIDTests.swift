import Foundation
import MediaflowModel
import Testing

@Suite struct UniqueIDTests {
    @Test func idsAreLowercaseVersion7UUIDs() throws {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = UniqueID.make()
            let uuid = try #require(UUID(uuidString: id), "\(id)")
            #expect(uuid.uuidString.lowercased() == id)
            #expect(uuid.uuid.6 >> 4 == 7, "version nibble of \(id)")
            #expect(uuid.uuid.8 >> 6 == 0b10, "variant bits of \(id)")
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }

    @Test func idsBeginWithTheirTimeAndSortByIt() throws {
        let time = Date(timeIntervalSince1970: 1_700_000_000.123)
        let id = UniqueID.make(now: time)
        #expect(id.hasPrefix("018bcfe5-687b-7"), "\(id): 1700000000123 ms is 0x018bcfe5687b")
        let later = (1...50).map { UniqueID.make(now: time.addingTimeInterval(Double($0) * 0.002)) }
        #expect(later.sorted() == later)
        #expect(later.allSatisfy { $0 > id })
    }
}
