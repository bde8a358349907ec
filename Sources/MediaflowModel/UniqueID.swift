#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation

/// Ids for resources, idempotency keys and lease owners: version 7 UUIDs in lowercase text, which begin
/// with their creation time in milliseconds.
///
/// Ids made one after another sort together, so a new row's key lands beside the last one in an index
/// rather than on a random page: with random (version 4) ids every commit rewrote a page of each unique
/// index per job. The random part comes from the C library's `arc4random_buf`, seeded once by the kernel;
/// Foundation's `UUID()` opened and read `/dev/urandom` for every id on Linux.
public enum UniqueID {
    /// A fresh id such as `019aa9d2-6c3e-7a4d-9c0b-1d2e3f405162`.
    public static func make(now: Date = Date()) -> String {
        var bytes = (UInt64(0), UInt64(0))
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        return withUnsafeMutableBytes(of: &bytes) { raw in
            arc4random_buf(raw.baseAddress!, raw.count)
            for index in 0..<6 { raw[index] = UInt8(truncatingIfNeeded: millis >> (40 - 8 * index)) }
            raw[6] = raw[6] & 0x0F | 0x70  // version 7
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 9562 variant
            return String(unsafeUninitializedCapacity: 36) { text in
                var out = 0
                for (offset, byte) in raw.enumerated() {
                    if offset == 4 || offset == 6 || offset == 8 || offset == 10 {
                        text[out] = UInt8(ascii: "-")
                        out += 1
                    }
                    text[out] = hexDigits[Int(byte >> 4)]
                    text[out + 1] = hexDigits[Int(byte & 0x0F)]
                    out += 2
                }
                return out
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
