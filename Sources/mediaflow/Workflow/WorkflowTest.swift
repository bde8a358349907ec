import ArgumentParser
import Foundation
import MediaflowStates

/// `mediaflow workflow test CASES.jsonl`: runs recorded conformance cases in memory.
struct WorkflowTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run ASL conformance cases (JSON Lines of {id, definition, input, expect}) and print 'N passed, M failed'.")

    @Argument(help: "A .jsonl file of conformance cases.")
    var cases: String
    @Flag(name: .shortAndLong, help: "Print every failing case with the reason.")
    var verbose = false
    @Option(help: "Run only the cases whose id contains this text.")
    var filter: String?

    func run() throws {
        let text = try String(contentsOfFile: cases, encoding: .utf8)
        var loaded = try ConformanceCase.load(jsonLines: text)
        if let filter { loaded = loaded.filter { $0.id.contains(filter) } }
        let started = Date()
        let results = loaded.map(ConformanceRunner.run)
        let failures = results.filter { !$0.passed }
        if verbose {
            for result in failures { print("FAIL \(result.testCase.id)\n     \(result.failure ?? "")") }
        }
        var byArea: [String: (passed: Int, failed: Int)] = [:]
        for result in results {
            let area = result.testCase.area ?? "-"
            byArea[area, default: (0, 0)].passed += result.passed ? 1 : 0
            byArea[area, default: (0, 0)].failed += result.passed ? 0 : 1
        }
        for area in byArea.keys.sorted() {
            let counts = byArea[area]!
            print("  \(area.padding(toLength: 20, withPad: " ", startingAt: 0)) \(counts.passed) passed, \(counts.failed) failed")
        }
        print(String(format: "ran %d cases in %.2f s", results.count, Date().timeIntervalSince(started)))
        print("\(results.count - failures.count) passed, \(failures.count) failed")
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
