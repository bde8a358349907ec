import ArgumentParser
import Foundation
import MediaflowModel
import MediaflowServer

struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job", abstract: "Submit, follow and manage jobs.",
        subcommands: [Submit.self, Get.self, List.self, Cancel.self, Delete.self])
}

/// Where the server is: `--server`, or `MEDIAFLOW_URL`, or the default local server.
struct ServerOption: ParsableArguments {
    @Option(help: "The server's URL (MEDIAFLOW_URL; default http://127.0.0.1:8080).")
    var server: String = ProcessInfo.processInfo.environment["MEDIAFLOW_URL"] ?? "http://127.0.0.1:8080"

    var client: MediaflowClient { MediaflowClient(baseURL: server, waitsForServer: false) }
}

/// Where the job processor is, when the server is a repository alone: `--processor-url`, or
/// `MEDIAFLOW_PROCESSOR_URL`, or the server itself.
struct ProcessorOption: ParsableArguments {
    @Option(help: "The job processor's URL, when the server is only a repository (MEDIAFLOW_PROCESSOR_URL).")
    var processorUrl: String?

    /// The processor's client, once it has said it plays the role: a repository alone would take a StartJob
    /// only as its processor's record (seed messages 6–7), and the job would never run.
    func client(or server: MediaflowClient) async throws -> MediaflowClient {
        let url = processorUrl ?? ProcessInfo.processInfo.environment["MEDIAFLOW_PROCESSOR_URL"]
        let processor = url.map { MediaflowClient(baseURL: $0, waitsForServer: false) } ?? server
        guard try await processor.roles().contains("job-processor") else {
            throw ConfigurationError(
                "\(processor.baseURL) does not play job-processor: give the processor's URL with --processor-url")
        }
        return processor
    }
}

extension JobCommand {
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create and start a job on a media file or URL.")

        @Argument(help: "The input: a local file, or a file://, http:// or https:// URL.") var input: String
        @Option(help: "The job profile.") var profile = "ExtractTechnicalMetadata"
        @Option(help: "The job type (default: the profile's).") var type: String?
        @Option(help: "LOW, MEDIUM, HIGH or URGENT.") var priority = "MEDIUM"
        @Option(name: .customLong("param"), help: "A job input, name=value (repeatable); a value that reads as JSON (320, true, [1, 2]) is taken as it reads, any other as text.") var parameters: [String] = []
        @Option(help: "A URL to POST the finished job to (asyncEndpoint success and failure).") var callback: String?
        @Option(help: "Start the job no earlier than this: an ISO 8601 time, or + and a duration such as +10m.")
        var notBefore: String?
        @Option(help: "Fail the job if it has not ended this long after its start: 90, 90s, 10m or 2h.")
        var timeout: String?
        @Flag(help: "Follow the job until it ends and print its result.") var wait = false
        @OptionGroup var server: ServerOption
        @OptionGroup var processorOption: ProcessorOption

        func run() async throws {
            let client = server.client
            let processor = try await processorOption.client(or: client)
            guard let priority = JobPriority(rawValue: priority.uppercased()) else {
                throw ValidationError("--priority must be LOW, MEDIUM, HIGH or URGENT")
            }
            let startTime = try notBefore.map { text in
                guard let time = Self.time(text, after: Date()) else {
                    throw ValidationError("--not-before takes an ISO 8601 time or + and a duration such as +10m, not '\(text)'")
                }
                return time
            }
            let timeoutSeconds = try timeout.map { text in
                guard let seconds = Self.seconds(text), seconds > 0 else {
                    throw ValidationError("--timeout takes a duration above 0 such as 90, 90s, 10m or 2h, not '\(text)'")
                }
                return seconds
            }
            let jobType = try await resolveType(client)
            var inputs: JSONObject = [:]
            for parameter in parameters {
                let parts = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--param takes name=value, not '\(parameter)'") }
                inputs[parts[0]] = (try? JSONParser.parse(parts[1])) ?? .string(parts[1])
            }
            let job = Job(
                type: jobType, profile: profile, relatedResource: RelatedResource(locator: Self.locator(for: input)),
                jobInput: inputs.isEmpty ? nil : inputs)
            let created = try await client.create(job)
            let endpoint = callback.map { AsyncEndpoint(success: $0, failure: $0) }
            _ = try await processor.start(
                jobURL: created.id!, priority: priority, asyncEndpoint: endpoint, notBefore: startTime,
                timeoutSeconds: timeoutSeconds)
            print("job \(created.id!)")
            guard wait else { return }
            let final = try await client.wait(for: created.id!) { job in
                // With a progress, the status is padded so that the percentages line up.
                let progress = job.progress.map { String(format: " %3.0f%%", $0) } ?? ""
                let status = progress.isEmpty ? job.status.rawValue : job.status.column
                print("  \(status)\(progress)\(job.statusMessage.map { "  \($0)" } ?? "")")
            }
            JobReportPrinter.print(final)
            if final.status != .completed { throw ExitCode(1) }
        }

        private func resolveType(_ client: MediaflowClient) async throws -> JobType {
            if let type {
                guard let value = JobType(rawValue: type) else {
                    throw ValidationError("--type must be one of \(JobType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return value
            }
            return try await client.profile(profile)?.jobType ?? .ameJob
        }

        /// The time `text` names: an ISO 8601 time, or `+` and a duration (`+90s`, `+10m`, `+2h`) after `now`;
        /// nil when it is neither.
        static func time(_ text: String, after now: Date) -> Date? {
            guard text.hasPrefix("+") else { return Timestamp.parse(text) }
            return seconds(String(text.dropFirst())).map { now + $0 }
        }

        /// The seconds a duration names: a number of seconds, minutes or hours (`90`, `90s`, `10m`, `2h`).
        static func seconds(_ text: String) -> Double? {
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
            let unit = text.last.flatMap { units[$0] }
            guard let count = Double(unit == nil ? Substring(text) : text.dropLast()), count >= 0, count.isFinite else {
                return nil
            }
            return count * (unit ?? 1)
        }

        static func locator(for input: String) -> String {
            if input.contains("://") { return input }
            let path = URL(fileURLWithPath: input).standardizedFileURL.path
            return "file://" + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a job as JSON.")
        @Argument(help: "The job's id or URL.") var job: String
        @OptionGroup var server: ServerOption

        func run() async throws {
            let job = try await server.client.job(job)
            print(JSONWriter.formatted(try JSONValueEncoder.encode(job)))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")
        @Option(help: "Only jobs in this status.") var status: String?
        @Option(help: "Only jobs of this type (AmeJob, TransformJob, QAJob, WorkflowJob).") var type: String?
        @Option(help: "Only jobs with this profile.") var profile: String?
        @Option(help: "Only jobs created after this time (ISO 8601).") var createdAfter: String?
        @Option(help: "Only jobs created before this time (ISO 8601).") var createdBefore: String?
        @Option(help: "How many.") var limit = 20
        @Option(help: "Where to go on: the cursor a previous page printed.") var cursor: String?
        @OptionGroup var server: ServerOption

        func run() async throws {
            var parameters = ["limit": String(limit)]
            parameters["status"] = status
            parameters["type"] = type
            parameters["profile"] = profile
            parameters["createdAfter"] = createdAfter
            parameters["createdBefore"] = createdBefore
            parameters["cursor"] = cursor
            let page = try await server.client.jobs(parameters)
            for job in page.jobs {
                let created = job.dateCreated.map(Timestamp.format) ?? ""
                print("\(job.id ?? "")  \(job.status.column)  \(job.jobProfile.label)  \(created)")
            }
            if let next = page.nextCursor { print("more: --cursor \(next)") }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a job that has not ended.")
        @Argument(help: "The job's id or URL.") var job: String
        @OptionGroup var server: ServerOption
        @OptionGroup var processorOption: ProcessorOption

        func run() async throws {
            let url = server.client.jobURL(job)
            print(try await processorOption.client(or: server.client).cancel(jobURL: url).status.rawValue)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a finished job.")
        @Argument(help: "The job's id or URL.") var job: String
        @OptionGroup var server: ServerOption

        func run() async throws {
            try await server.client.delete(jobURL: server.client.jobURL(job))
        }
    }
}
