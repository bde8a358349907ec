import Foundation
import MediaflowModel
import MediaflowStore
import PostgresNIO

extension PostgresStore {
    public func insertJob(_ job: Job) async throws {
        let id = try StoreCoding.id(of: job.id, in: "Job")
        let document = try StoreCoding.text(job)
        do {
            _ = try await write(.new(HotQuery.NewJob(job: job, id: id, document: document)))
        } catch let error as StoreError where error.isConflict {
            throw StoreError.conflict("Job \(id) exists already")
        }
        snapshots.remember(.init(job: job, version: 0, endpoint: nil), id: id)
    }

    public func recentJob(id: String) async throws -> Job? {
        if let snapshot = snapshots.snapshot(id: id) { return snapshot.job }
        return try await job(id: id)
    }

    /// Read from the database every time: another node may have changed the job.
    public func versionedJob(id: String) async throws -> VersionedJob? {
        let rows = try await query("SELECT document, version FROM job WHERE id = \(id)").decode((String, Int64).self)
        return try rows.first.map { document, version in
            VersionedJob(job: try StoreCoding.decode(Job.self, document), version: version)
        }
    }

    public func replaceJob(_ job: Job, ifVersion version: Int64?) async throws -> Int64 {
        let id = try StoreCoding.id(of: job.id, in: "Job")
        let document = try StoreCoding.text(job)
        let updated = try await query(
            """
            UPDATE job SET status = \(job.status.rawValue), document = \(document), version = version + 1
            WHERE id = \(id) AND (\(version)::bigint IS NULL OR version = \(version)) RETURNING version
            """
        ).decode(Int64.self)
        if let newVersion = updated.first {
            snapshots.forget(id: id)
            return newVersion
        }
        guard let version, let current = try await versionedJob(id: id)?.version else {
            throw StoreError.notFound("No job \(id)")
        }
        throw StoreError.outdated(id: id, version: version, current: current)
    }

    public func deleteJob(id: String) async throws {
        try await transaction { connection in
            let status = try await connection.value(of: String.self, "SELECT status FROM job WHERE id = \(id) FOR UPDATE")
            guard let status else { throw StoreError.notFound("No job \(id)") }
            guard JobStatus(rawValue: status)?.isFinal == true else {
                throw StoreError.conflict("Job \(id) is \(status); only a finished job can be deleted")
            }
            try await connection.query("DELETE FROM job WHERE id = \(id)")
        }
        snapshots.forget(id: id)
    }

    public func jobs(matching query: JobQuery) async throws -> JobPage {
        let rows = try await self.query(HotQuery.listJobs(query)).decode((Int64, String).self)
        let page = rows.prefix(query.limit)
        let jobs = try page.map { try StoreCoding.decode(Job.self, $0.1) }
        return JobPage(jobs: jobs, nextCursor: rows.count > query.limit ? page.last.map { String($0.0) } : nil)
    }

    public func insertStartJob(_ startJob: StartJob) async throws {
        let id = try StoreCoding.id(of: startJob.id, in: "StartJob")
        let jobID = ResourceLink.id(in: startJob.job, collection: "Job") ?? startJob.job
        let document = try StoreCoding.text(startJob)
        try await query(
            """
            INSERT INTO start_job (id, job_id, document) VALUES (\(id), \(jobID), \(document))
            ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document
            """)
    }

    public func startJob(id: String) async throws -> StartJob? {
        try await query("SELECT document FROM start_job WHERE id = \(id)").decode(String.self).first.map {
            try StoreCoding.decode(StartJob.self, $0)
        }
    }

    public func deleteStartJob(id: String) async throws {
        try await transaction { connection in
            let jobID = try await connection.value(of: String.self, "SELECT job_id FROM start_job WHERE id = \(id) FOR UPDATE")
            guard let jobID else { throw StoreError.notFound("No StartJob \(id)") }
            let document = try await connection.value(of: String.self, "SELECT document FROM job WHERE id = \(jobID) FOR SHARE")
            if let document, try StoreCoding.decode(Job.self, document).startJobID == id {
                throw StoreError.startedBy(startJob: id)
            }
            try await connection.query("DELETE FROM start_job WHERE id = \(id)")
        }
    }

    public func purge(createdBefore cutoff: Date) async throws -> Int {
        let millis = StoreCoding.millis(cutoff)
        return try await transaction { connection in
            let rows = try await connection.query(
                """
                DELETE FROM job WHERE created_at < \(millis) AND status IN ('COMPLETED', 'FAILED', 'CANCELED')
                RETURNING id
                """)
            let ids = try rows.decode(String.self)
            try await connection.query("DELETE FROM start_job WHERE job_id = ANY(\(ids))")
            try await connection.query(
                "DELETE FROM outbox WHERE state = 'delivered' AND created_at < \(millis)")
            return ids.count
        }
    }
}
