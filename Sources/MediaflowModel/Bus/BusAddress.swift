/// Where a bus message goes: a service type, its realm and its version (an exact integer match).
public struct BusAddress: Hashable, Sendable, CustomStringConvertible {
    public var type: String
    public var realm: String
    public var version: Int

    public init(type: String, realm: String, version: Int) {
        self.type = type
        self.realm = realm
        self.version = version
    }

    public var description: String { "\(type) \(realm) v\(version)" }

    /// The `origin` object of an error entry: `{type, realm, version}`.
    public var origin: JSONValue { ["type": .string(type), "realm": .string(realm), "version": .number(Double(version))] }
}
