// The reference machine's two measures, as plain as a user would write them:
// `GET /json` answers a small JSON document; `POST /insert` stores its body with one GRDB insert in a
// transaction of its own (WAL, synchronous=NORMAL).
// Usage: reference-server PORT DATABASE-FILE
import Foundation
import GRDB
import Hummingbird

struct Health: ResponseEncodable {
    let status: String
}

struct Item: Codable, PersistableRecord {
    var id: String
    var name: String
    var created: Date
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]) else {
    print("usage: reference-server PORT DATABASE-FILE")
    exit(2)
}
try? FileManager.default.removeItem(atPath: arguments[2])
var configuration = Configuration()
configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
let database = try DatabasePool(path: arguments[2], configuration: configuration)
try database.write { db in
    try db.execute(sql: "CREATE TABLE item (id TEXT PRIMARY KEY, name TEXT NOT NULL, created DATETIME NOT NULL)")
}

let router = Router()
router.get("json") { _, _ in Health(status: "ok") }
router.post("insert") { request, _ -> HTTPResponse.Status in
    let name = String(buffer: try await request.body.collect(upTo: 4096))
    try await database.write { db in try Item(id: UUID().uuidString, name: name, created: Date()).insert(db) }
    return .created
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
