import MediaflowModel
import MediaflowStore
import Testing

@testable import MediaflowServer

@Suite struct MetricsExpositionTests {
    @Test func theStoresGaugesAreWrittenInPrometheusTextFormat() {
        var gauges = StoreGauges()
        gauges.unfinishedJobs = [.queued: 3, .running: 2]
        gauges.waitingJobs = ["Transcode": 2, #"Odd "name"\ with a line"# + "\nbreak": 1]
        gauges.heldJobs = 2
        gauges.undeliveredCallbacks = [.dead: 4]
        let lines = MetricsExposition.text(gauges: gauges, freeBytes: 1_048_576).split(separator: "\n").map(String.init)
        #expect(lines.filter { !$0.hasPrefix("#") } == [
            "mediaflow_database_up 1",
            "mediaflow_data_free_bytes 1048576",
            #"mediaflow_jobs{status="NEW"} 0"#,
            #"mediaflow_jobs{status="QUEUED"} 3"#,
            #"mediaflow_jobs{status="SCHEDULED"} 0"#,
            #"mediaflow_jobs{status="RUNNING"} 2"#,
            #"mediaflow_jobs_waiting{profile="Odd \"name\"\\ with a line\nbreak"} 1"#,
            #"mediaflow_jobs_waiting{profile="Transcode"} 2"#,
            "mediaflow_jobs_held 2",
            #"mediaflow_callbacks{state="pending"} 0"#,
            #"mediaflow_callbacks{state="dead"} 4"#,
        ])
        #expect(lines.contains("# TYPE mediaflow_jobs_waiting gauge"))
    }

    @Test func aStoreOutOfReachLeavesOnlyTheNodesOwnFigures() {
        let text = MetricsExposition.text(gauges: nil, freeBytes: nil)
        #expect(text.split(separator: "\n").filter { !$0.hasPrefix("#") } == ["mediaflow_database_up 0"])
    }
}
