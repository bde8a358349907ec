#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Random ids — version 4 UUIDs in lowercase text — for resources, idempotency keys and lease owners.
///
/// Foundation's `UUID()` opens and reads `/dev/urandom` for each id on Linux, which cost a job four file
/// opens; these come from the C library's `arc4random_buf`, which is seeded once by the kernel.
public enum RandomID {
    /// A fresh id such as `3f2b8c1e-5a4d-4e7f-9c0b-1d2e3f405162`.
    public static func make() -> String {
        var bytes = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &bytes) { arc4random_buf($0.baseAddress!, $0.count) }
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = raw[6] & 0x0F | 0x40  // version 4
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
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
