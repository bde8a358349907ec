#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import Synchronization

/// Ids for resources, idempotency keys and lease owners: version 7 UUIDs in lowercase text, which begin
/// with their creation time in milliseconds.
///
/// Ids made one after another sort together, so a new row's key lands beside the last one in an index
/// rather than on a random page: with random (version 4) ids every commit rewrote a page of each unique
/// index per job. The random part comes from the kernel (`arc4random_buf`, which glibc serves with a
/// `getrandom` system call each time), read a few hundred ids' worth at once; Foundation's `UUID()` opened
/// and read `/dev/urandom` for every id on Linux.
public enum UniqueID {
    /// A fresh id such as `019aa9d2-6c3e-7a4d-9c0b-1d2e3f405162`.
    public static func make(now: Date = Date()) -> String {
        var bytes = (UInt64(0), UInt64(0))
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        return withUnsafeMutableBytes(of: &bytes) { raw in
            randomness.withLock { $0.take(into: raw) }
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
    private static let randomness = Mutex(RandomBytes())

    /// Random bytes from the kernel, fetched 4 KiB at a time.
    private struct RandomBytes {
        private var bytes = [UInt8](repeating: 0, count: 4096)
        private var used = 4096

        mutating func take(into destination: UnsafeMutableRawBufferPointer) {
            if used + destination.count > bytes.count {
                bytes.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, $0.count) }
                used = 0
            }
            bytes.withUnsafeBytes { source in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[used..<(used + destination.count)]))
            }
            used += destination.count
        }
    }
}
