/// Watches how far into the media a tool has got, to tell a run that is slow from one that has stalled.
struct StallWatch {
    let tool: String
    /// How long without headway is a stall; nil when none is.
    let limit: Duration?
    private var furthest = -Double.infinity
    private var lastHeadway: ContinuousClock.Instant

    init(tool: String, limit: Duration?, since start: ContinuousClock.Instant) {
        self.tool = tool
        self.limit = limit
        lastHeadway = start
    }

    /// Notes that the tool is `mediaTime` seconds into the media (nil while it has not said) at `now`.
    /// - Throws: `ToolError.stalled` when it has got no further for longer than `limit`.
    mutating func note(_ mediaTime: Double?, at now: ContinuousClock.Instant) throws {
        if let mediaTime, mediaTime > furthest {
            furthest = mediaTime
            lastHeadway = now
        } else if let limit, now - lastHeadway > limit {
            throw ToolError.stalled(tool, after: limit)
        }
    }
}
