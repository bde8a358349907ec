/// The kinds of work a claim found no more of in the store since work was last announced (by this node, or by
/// another through `LISTEN`): not claimed again until the next announcement, or a second has passed (work held
/// back by a due time becomes due unannounced). A loop fed with the work this node claimed as it wrote it thus
/// stops asking the store.
struct DrainedWork<Kind: Hashable> {
    private var announcements = -1
    private var since = ContinuousClock.now
    private var kinds: Set<Kind> = []

    /// The kinds of `wanted` worth claiming, `announced` being how many announcements came so far.
    mutating func claimable(_ wanted: Set<Kind>, announced: Int) -> Set<Kind> {
        if announcements != announced || .now - since > .seconds(1) {
            self = DrainedWork()
            announcements = announced
        }
        return wanted.subtracting(kinds)
    }

    /// Records that a claim of `kinds` found no more than it asked for.
    mutating func found(noMoreOf kinds: Set<Kind>) { self.kinds.formUnion(kinds) }
}
