import Foundation
import GRDB
import MediaflowModel
import MediaflowStore

extension SQLiteStore {
    public func insertJob(_ job: Job) async throws {
        let id = try StoreCoding.id(of: job.id, in: "Job")
        let document = try StoreCoding.text(job)
        try await write { db in
            do {
                try Column.execute(
                    "INSERT INTO job (id, type, profile, status, created_at, document) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        id, job.type.rawValue, job.jobProfile.label, job.status.rawValue,
                        StoreCoding.millis(job.dateCreated ?? Date()), document,
                    ], db)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw StoreError.conflict("Job \(id) exists already")
            }
        }
        snapshots.remember(.init(job: job, version: 0, endpoint: nil), id: id)
    }

    public func versionedJob(id: String) async throws -> VersionedJob? {
        if let snapshot = snapshots.snapshot(id: id) { return VersionedJob(job: snapshot.job, version: snapshot.version) }
        return try await read { db in try Self.loadJob(id: id, db) }
    }

    public func replaceJob(_ job: Job, ifVersion version: Int64?) async throws -> Int64 {
        let id = try StoreCoding.id(of: job.id, in: "Job")
        let document = try StoreCoding.text(job)
        let snapshot = try await write { db in
            let current = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT version FROM job WHERE id = ?"), arguments: [id])
            guard let current else { throw StoreError.notFound("No job \(id)") }
            if let version, version != current { throw StoreError.outdated(id: id, version: version, current: current) }
            // In the one writer's transaction the row is still at `current`: the save cannot miss.
            _ = try Self.saveJob(document, status: job.status, id: id, version: current, db)
            return JobSnapshots.Snapshot(job: job, version: current + 1, endpoint: try Self.endpoint(of: job, db))
        }
        snapshots.remember(snapshot, id: id)
        return snapshot.version
    }

    public func deleteJob(id: String) async throws {
        try await write { db in
            let status = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM job WHERE id = ?"), arguments: [id])
            guard let status else { throw StoreError.notFound("No job \(id)") }
            guard JobStatus(rawValue: status)?.isFinal == true else {
                throw StoreError.conflict("Job \(id) is \(status); only a finished job can be deleted")
            }
            try Self.keepBodies(ofJobs: "?", [id], db)
            try Column.execute("DELETE FROM job WHERE id = ?", [id], db)
        }
        snapshots.deleted(id: id)
    }

    public func jobs(matching query: JobQuery) async throws -> JobPage {
        var conditions = ["seq < ?"]
        var arguments: StatementArguments = [query.cursor.flatMap(Int64.init) ?? Int64.max]
        if let status = query.status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        if let type = query.type {
            conditions.append("type = ?")
            arguments += [type.rawValue]
        }
        if let profile = query.profile {
            conditions.append("profile = ?")
            arguments += [profile]
        }
        if let after = query.createdAfter {
            conditions.append("created_at >= ?")
            arguments += [StoreCoding.millis(after)]
        }
        if let before = query.createdBefore {
            conditions.append("created_at < ?")
            arguments += [StoreCoding.millis(before)]
        }
        arguments += [query.limit + 1]
        let sql = "SELECT seq, document FROM job WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq DESC LIMIT ?"
        let bound = arguments
        let rows = try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: bound).map {
                ($0["seq"] as Int64, $0["document"] as String)
            }
        }
        let page = rows.prefix(query.limit)
        let jobs = try page.map { try StoreCoding.decode(Job.self, $0.1) }
        let next: String? = rows.count > query.limit ? page.last.map { String($0.0) } : nil
        return JobPage(jobs: jobs, nextCursor: next)
    }

    public func purge(createdBefore cutoff: Date) async throws -> Int {
        let millis = StoreCoding.millis(cutoff)
        let purged = try await write { db in
            let finished = "status IN ('COMPLETED', 'FAILED', 'CANCELED') AND created_at < ?"
            try Self.keepBodies(ofJobs: "SELECT id FROM job WHERE \(finished)", [millis], db)
            try Column.execute("DELETE FROM start_job WHERE job_id IN (SELECT id FROM job WHERE \(finished))", [millis], db)
            try Column.execute("DELETE FROM job WHERE \(finished)", [millis], db)
            let purged = db.changesCount
            try Column.execute("DELETE FROM outbox WHERE state = 'delivered' AND created_at < ?", [millis], db)
            return purged
        }
        snapshots.clear()
        return purged
    }

    public func insertStartJob(_ startJob: StartJob) async throws {
        let id = try StoreCoding.id(of: startJob.id, in: "StartJob")
        let jobID = ResourceLink.id(in: startJob.job, collection: "Job") ?? startJob.job
        let document = try StoreCoding.text(startJob)
        try await write { db in
            try Column.execute(
                "INSERT OR REPLACE INTO start_job (id, job_id, document) VALUES (?, ?, ?)", [id, jobID, document], db)
        }
    }

    public func startJob(id: String) async throws -> StartJob? {
        try await read { db in try Self.loadStartJob(id: id, db) }
    }

    public func deleteStartJob(id: String) async throws {
        try await write { db in
            let jobID = try String.fetchOne(db.cachedStatement(sql: "SELECT job_id FROM start_job WHERE id = ?"), arguments: [id])
            guard let jobID else { throw StoreError.notFound("No StartJob \(id)") }
            if try Self.loadJob(id: jobID, db)?.job.startJobID == id { throw StoreError.startedBy(startJob: id) }
            try Column.execute("DELETE FROM start_job WHERE id = ?", [id], db)
        }
    }

    /// A job and the version its row has, for an update that must not overwrite a concurrent one.
    static func loadJob(id: String, _ db: Database) throws -> VersionedJob? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT document, version FROM job WHERE id = ?"), arguments: [id])
        return try row.map { VersionedJob(job: try StoreCoding.decode(Job.self, $0["document"]), version: $0["version"]) }
    }

    /// The caller's endpoints for a job: those of the `StartJob` it links to.
    static func endpoint(of job: Job, _ db: Database) throws -> AsyncEndpoint? {
        try job.startJobID.flatMap { try loadStartJob(id: $0, db)?.asyncEndpoint }
    }

    static func loadStartJob(id: String, _ db: Database) throws -> StartJob? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT document FROM start_job WHERE id = ?"), arguments: [id])
            .map { try StoreCoding.decode(StartJob.self, $0) }
    }

    /// Writes a job's new state if its row is still at `version`; false when another change came first.
    static func saveJob(_ document: String, status: JobStatus, id: String, version: Int64, _ db: Database) throws -> Bool {
        try Column.execute(
            "UPDATE job SET status = ?, document = ?, version = version + 1 WHERE id = ? AND version = ?",
            [status.rawValue, document, id, version], db)
        return db.changesCount == 1
    }
}
