import Crypto
import Foundation

/// Signs callbacks as the Standard Webhooks specification does (standardwebhooks.com), so that a caller can
/// check with any of its libraries that a callback came from this server, unaltered and recent. Each attempt
/// carries `webhook-id` (the message's stable id, the same as its `Idempotency-Key`), `webhook-timestamp`
/// (the attempt's time in Unix seconds) and `webhook-signature`: `v1,` and the Base64 HMAC-SHA256 of
/// `ID.TIMESTAMP.BODY`, once for each secret, separated by spaces, so that callers can move from an old
/// secret to a new one while both sign.
public struct CallbackSigner: Sendable, Equatable, CustomStringConvertible {
    /// The specification's prefix of a secret; what follows it is the key in Base64.
    static let secretPrefix = "whsec_"
    /// The specification asks for keys of 24 bytes or more.
    static let minimumKeyBytes = 24

    private let keys: [Data]

    /// Reads one or more secrets (`whsec_` and Base64, the prefix optional), separated by commas or spaces.
    /// - Throws: `ConfigurationError` naming `callbackSecret` when one is not Base64 or is too short.
    public init(secrets: String) throws {
        let texts = secrets.split(whereSeparator: { $0 == "," || $0 == " " })
        guard !texts.isEmpty else { throw ConfigurationError("callbackSecret must hold at least one secret") }
        keys = try texts.enumerated().map { index, text in
            let base64 = text.hasPrefix(Self.secretPrefix) ? text.dropFirst(Self.secretPrefix.count) : text[...]
            let ordinal = texts.count == 1 ? "callbackSecret" : "callbackSecret's secret \(index + 1)"
            guard let key = Data(base64Encoded: String(base64)) else {
                throw ConfigurationError("\(ordinal) must be whsec_ followed by Base64 (make one with `mediaflow callback secret`)")
            }
            guard key.count >= Self.minimumKeyBytes else {
                throw ConfigurationError("\(ordinal) must hold at least \(Self.minimumKeyBytes) bytes, not \(key.count)")
            }
            return key
        }
    }

    /// A new secret of 32 random bytes, as `whsec_` and Base64.
    public static func makeSecret() -> String {
        secretPrefix + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The three headers of one delivery attempt of the message `id` with `body`, made at `date`.
    func headers(id: String, body: Data, at date: Date) -> [(String, String)] {
        let timestamp = String(Int64(date.timeIntervalSince1970))
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let signatures = keys.map { key in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))).base64EncodedString()
        }
        return [("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signatures.joined(separator: " "))]
    }

    /// Never the secrets themselves, so that a configuration can be logged.
    public var description: String { "CallbackSigner(\(keys.count) secret\(keys.count == 1 ? "" : "s"))" }
}
