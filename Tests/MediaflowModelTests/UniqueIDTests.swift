import Foundation
import MediaflowModel
import Testing

@Suite struct RandomIDTests {
    @Test func idsAreLowercaseVersion4UUIDs() throws {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = RandomID.make()
            let uuid = try #require(UUID(uuidString: id), "\(id)")
            #expect(uuid.uuidString.lowercased() == id)
            #expect(uuid.uuid.6 >> 4 == 4, "version nibble of \(id)")
            #expect(uuid.uuid.8 >> 6 == 0b10, "variant bits of \(id)")
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }
}
