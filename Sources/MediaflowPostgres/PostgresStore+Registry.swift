import Foundation
import MediaflowModel
import MediaflowStore
import PostgresNIO

extension PostgresStore {
    public func upsertService(_ service: MediaService) async throws {
        let id = try StoreCoding.id(of: service.id, in: "Service")
        let document = try StoreCoding.text(service)
        try await query(
            """
            INSERT INTO service (id, label, document) VALUES (\(id), \(service.label), \(document))
            ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label, document = EXCLUDED.document
            """)
    }

    public func services() async throws -> [MediaService] {
        try await query("SELECT document FROM service ORDER BY label, id").decode(String.self).map {
            try StoreCoding.decode(MediaService.self, $0)
        }
    }

    public func deleteService(id: String) async throws {
        let rows = try await query("DELETE FROM service WHERE id = \(id) RETURNING id")
        guard rows.count == 1 else { throw StoreError.notFound("No service \(id)") }
    }

    public func upsertProfile(_ profile: JobProfile) async throws {
        let document = try StoreCoding.text(profile)
        try await query(
            """
            INSERT INTO job_profile (label, document) VALUES (\(profile.label), \(document))
            ON CONFLICT (label) DO UPDATE SET document = EXCLUDED.document
            """)
    }

    public func profiles() async throws -> [JobProfile] {
        try await query("SELECT document FROM job_profile ORDER BY label").decode(String.self).map {
            try StoreCoding.decode(JobProfile.self, $0)
        }
    }

    public func deleteProfile(label: String) async throws {
        let rows = try await query("DELETE FROM job_profile WHERE label = \(label) RETURNING label")
        guard rows.count == 1 else { throw StoreError.notFound("No job profile \(label)") }
    }
}
