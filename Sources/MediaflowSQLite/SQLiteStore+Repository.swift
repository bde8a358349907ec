import Foundation
import GRDB
import MediaflowModel
import MediaflowStore

extension SQLiteStore {
    public func insertJob(_ job: Job) async throws {
        let id = try Column.id(of: job.id, in: "Job")
        let document = try Column.text(job)
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM job WHERE id = ?", arguments: [id]) == true {
                throw StoreError.conflict("Job \(id) exists already")
            }
            try db.execute(
                sql: "INSERT INTO job (id, type, profile, status, created_at, document) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    id, job.type.rawValue, job.jobProfile.label, job.status.rawValue,
                    Column.millis(job.dateCreated ?? Date()), document,
                ])
        }
    }

    public func job(id: String) async throws -> Job? {
        try await read { db in try Self.loadJob(id: id, db) }
    }

    public func replaceJob(_ job: Job) async throws {
        let id = try Column.id(of: job.id, in: "Job")
        let document = try Column.text(job)
        try await write { db in
            try db.execute(
                sql: "UPDATE job SET status = ?, document = ? WHERE id = ?",
                arguments: [job.status.rawValue, document, id])
            if db.changesCount == 0 { throw StoreError.notFound("No job \(id)") }
        }
    }

    public func deleteJob(id: String) async throws {
        try await write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM job WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("No job \(id)")
            }
            guard JobStatus(rawValue: status)?.isFinal == true else {
                throw StoreError.conflict("Job \(id) is \(status); only a finished job can be deleted")
            }
            try db.execute(sql: "DELETE FROM job WHERE id = ?", arguments: [id])
        }
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
            arguments += [Column.millis(after)]
        }
        if let before = query.createdBefore {
            conditions.append("created_at < ?")
            arguments += [Column.millis(before)]
        }
        arguments += [query.limit + 1]
        let sql = "SELECT seq, document FROM job WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq DESC LIMIT ?"
        let bound = arguments
        let rows = try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: bound).map { ($0["seq"] as Int64, $0["document"] as String) }
        }
        let page = rows.prefix(query.limit)
        let jobs = try page.map { try Column.decode(Job.self, $0.1) }
        let next: String? = rows.count > query.limit ? page.last.map { String($0.0) } : nil
        return JobPage(jobs: jobs, nextCursor: next)
    }

    public func insertStartJob(_ startJob: StartJob) async throws {
        let id = try Column.id(of: startJob.id, in: "StartJob")
        let jobID = ResourceLink(parsing: startJob.job, collection: "Job")?.id ?? startJob.job
        let document = try Column.text(startJob)
        try await write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO start_job (id, job_id, document) VALUES (?, ?, ?)",
                arguments: [id, jobID, document])
        }
    }

    public func startJob(id: String) async throws -> StartJob? {
        try await read { db in try Self.loadStartJob(id: id, db) }
    }

    static func loadJob(id: String, _ db: Database) throws -> Job? {
        try String.fetchOne(db, sql: "SELECT document FROM job WHERE id = ?", arguments: [id])
            .map { try Column.decode(Job.self, $0) }
    }

    static func loadStartJob(id: String, _ db: Database) throws -> StartJob? {
        try String.fetchOne(db, sql: "SELECT document FROM start_job WHERE id = ?", arguments: [id])
            .map { try Column.decode(StartJob.self, $0) }
    }

    static func saveJob(_ job: Job, id: String, _ db: Database) throws {
        try db.execute(
            sql: "UPDATE job SET status = ?, document = ? WHERE id = ?",
            arguments: [job.status.rawValue, try Column.text(job), id])
    }
}
