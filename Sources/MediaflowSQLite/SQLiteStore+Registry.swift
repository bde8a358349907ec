import Foundation
import GRDB
import MediaflowModel
import MediaflowStore

extension SQLiteStore {
    public func upsertService(_ service: MediaService) async throws {
        let id = try StoreCoding.id(of: service.id, in: "Service")
        let document = try StoreCoding.text(service)
        try await write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO service (id, label, document) VALUES (?, ?, ?)",
                arguments: [id, service.label, document])
        }
    }

    public func services() async throws -> [MediaService] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT document FROM service ORDER BY label, id")
                .map { try StoreCoding.decode(MediaService.self, $0) }
        }
    }

    public func deleteService(id: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM service WHERE id = ?", arguments: [id])
            if db.changesCount == 0 { throw StoreError.notFound("No service \(id)") }
        }
    }

    public func upsertProfile(_ profile: JobProfile) async throws {
        let document = try StoreCoding.text(profile)
        try await write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO job_profile (label, document) VALUES (?, ?)",
                arguments: [profile.label, document])
        }
    }

    public func profiles() async throws -> [JobProfile] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT document FROM job_profile ORDER BY label")
                .map { try StoreCoding.decode(JobProfile.self, $0) }
        }
    }

    public func deleteProfile(label: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM job_profile WHERE label = ?", arguments: [label])
            if db.changesCount == 0 { throw StoreError.notFound("No job profile \(label)") }
        }
    }
}
