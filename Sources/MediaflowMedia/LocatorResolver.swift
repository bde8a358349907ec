import AsyncHTTPClient
import Foundation
import NIOCore

/// Turns a locator into a local file a tool can read: `file://` as it is, `http(s)://` downloaded to a
/// temporary file that `release` removes.
public struct LocatorResolver: Sendable {
    let httpClient: HTTPClient
    let scratchDirectory: URL
    /// The largest download accepted, in bytes.
    public var maxDownload: Int

    public init(httpClient: HTTPClient, scratchDirectory: URL, maxDownload: Int = 64 << 30) {
        self.httpClient = httpClient
        self.scratchDirectory = scratchDirectory
        self.maxDownload = maxDownload
    }

    /// A local file for `locator`.
    /// - Throws: `MediaError` when the locator is unsupported or unreadable.
    public func resolve(_ locator: String) async throws -> LocalMedia {
        guard let url = URL(string: locator), let scheme = url.scheme?.lowercased() else {
            throw MediaError.unsupportedLocator(locator)
        }
        switch scheme {
        case "file":
            let path = url.path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw MediaError.unreadable("no such file \(path)")
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw MediaError.unreadable("\(path) is not readable")
            }
            return LocalMedia(path: path, isTemporary: false)
        case "http", "https":
            return try await download(url)
        default:
            throw MediaError.unsupportedLocator(locator)
        }
    }

    private func download(_ url: URL) async throws -> LocalMedia {
        try FileManager.default.createDirectory(at: scratchDirectory, withIntermediateDirectories: true)
        let file = scratchDirectory.appendingPathComponent(UUID().uuidString + "-" + url.lastPathComponent)
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(HTTPClientRequest(url: url.absoluteString), timeout: .seconds(30))
        } catch {
            throw MediaError.unreadable("GET \(url.absoluteString) failed: \(error)")
        }
        guard response.status == .ok else {
            throw MediaError.unreadable("GET \(url.absoluteString) answered \(response.status.code)")
        }
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: file)
        else { throw MediaError.unreadable("cannot write \(file.path)") }
        defer { try? handle.close() }
        var received = 0
        do {
            for try await chunk in response.body {
                received += chunk.readableBytes
                guard received <= maxDownload else {
                    throw MediaError.unreadable("\(url.absoluteString) is larger than \(maxDownload) bytes")
                }
                try handle.write(contentsOf: Data(chunk.readableBytesView))
            }
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error as? MediaError ?? MediaError.unreadable("download of \(url.absoluteString) failed: \(error)")
        }
        return LocalMedia(path: file.path, isTemporary: true)
    }
}

/// A media file on local disk, possibly a temporary copy.
public struct LocalMedia: Sendable {
    public var path: String
    public var isTemporary: Bool

    /// Removes the file if it is a temporary copy.
    public func release() {
        if isTemporary { try? FileManager.default.removeItem(atPath: path) }
    }
}
