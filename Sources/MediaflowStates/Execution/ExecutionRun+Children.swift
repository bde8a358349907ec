extension ExecutionRun {
    mutating func runParallel(_ node: StateNode, _ fiberID: Int) throws(StatesError) {
        let fiber = state.fibers[fiberID]!
        let input = try effectiveInput(node, fiber)
        emit(fiberID, "ParallelStateStarted", nil, nil)
        var join = ChildJoin(
            isMap: false, effectiveInput: input, items: [], results: Array(repeating: nil, count: node.branchScopes.count),
            maxConcurrency: 0, toleratedCount: nil, toleratedPercentage: nil
        )
        for (slot, scope) in node.branchScopes.enumerated() {
            let child = spawn(parent: fiberID, slot: slot, scope: scope, input: input, variables: fiber.variables)
            join.children.insert(child)
            join.started += 1
            join.running += 1
            ready.append(child)
        }
        state.fibers[fiberID]?.waiting = .children(join)
    }

    mutating func runMap(_ node: StateNode, _ fiberID: Int) throws(StatesError) {
        let fiber = state.fibers[fiberID]!
        let input = try select(node.inputPath, from: fiber.input, fiber)
        var items = try mapItems(node, fiber, input: input)
        let concurrency = try mapInteger(node.maxConcurrency, fiber, input: input, field: "MaxConcurrency") ?? 0
        let count = try mapInteger(node.toleratedFailureCount, fiber, input: input, field: "ToleratedFailureCount")
        if let count, count < 0 { throw StatesError.runtime("ToleratedFailureCount cannot be negative.") }
        let percentage = try mapPercentage(node.toleratedFailurePercentage, fiber, input: input)
        if let percentage, percentage < 0 || percentage > 100 {
            throw StatesError.runtime("ToleratedFailurePercentage must be between 0 and 100.")
        }
        if node.isBatched { items = try batches(of: items, node, fiber, input: input) }
        emit(fiberID, "MapStateStarted", "mapStateStartedEventDetails", ["length": .number(Double(items.count))])
        let join = ChildJoin(
            isMap: true, effectiveInput: input, items: items, results: Array(repeating: nil, count: items.count),
            maxConcurrency: max(concurrency, 0), toleratedCount: count, toleratedPercentage: percentage
        )
        state.fibers[fiberID]?.waiting = .children(join)
        if items.isEmpty {
            try completeChildren(fiberID, node, join)
        } else {
            try startItems(fiberID, node)
        }
    }

    /// The items a Map state iterates over: its input, or what ItemsPath or (in JSONata) Items gives.
    private mutating func mapItems(_ node: StateNode, _ fiber: Fiber, input: JSONValue) throws(StatesError) -> [JSONValue] {
        if let template = node.items {
            var scope = makeScope(fiber, input: input)
            let value = try template.evaluate(in: &scope)
            state.random = scope.random
            guard case .array(let items) = value else { throw template.unexpected(value, field: "Items", expected: "array") }
            return items
        }
        let value = try node.itemsPath.map { path throws(StatesError) in try makeScope(fiber, input: input).require(path) } ?? input
        guard case .array(let items) = value else {
            if node.usesJSONata {
                throw StatesError(StatesError.queryEvaluationError, "Map state input must be an array but was: \(JSONText.serialize(value))")
            }
            throw StatesError.runtime("Map state input must be an array, but was \(JSONText.serialize(value))")
        }
        return items
    }

    private mutating func batches(of items: [JSONValue], _ node: StateNode, _ fiber: Fiber, input: JSONValue) throws(StatesError) -> [JSONValue] {
        let size = max(try mapInteger(node.batchMaxItems, fiber, input: input, field: "MaxItemsPerBatch") ?? items.count, 1)
        var batchInput: JSONValue?
        if let template = node.batchInput {
            var scope = makeScope(fiber, input: input)
            batchInput = try template.evaluate(in: &scope)
            state.random = scope.random
        }
        return stride(from: 0, to: items.count, by: size).map { start in
            var batch: JSONObject = ["Items": .array(Array(items[start..<min(start + size, items.count)]))]
            if let batchInput { batch["BatchInput"] = batchInput }
            return .object(batch)
        }
    }

    /// Starts as many Map iterations as MaxConcurrency allows.
    private mutating func startItems(_ fiberID: Int, _ node: StateNode) throws(StatesError) {
        guard let fiber = state.fibers[fiberID], case .children(var join) = fiber.waiting else { return }
        while join.started < join.items.count, join.maxConcurrency == 0 || join.running < join.maxConcurrency {
            let index = join.started
            var itemInput = join.items[index]
            if let selector = node.itemSelector {
                var scope = makeScope(fiber, input: join.effectiveInput, mapItem: (index, itemInput))
                itemInput = try selector.evaluate(in: &scope)
                state.random = scope.random
            }
            join.items[index] = .null
            let child = spawn(parent: fiberID, slot: index, scope: node.iteratorScope!, input: itemInput, variables: fiber.variables)
            join.children.insert(child)
            join.started += 1
            join.running += 1
            emit(fiberID, "MapIterationStarted", "mapIterationStartedEventDetails", ["name": .string(node.name), "index": .number(Double(index))])
            ready.append(child)
        }
        state.fibers[fiberID]?.waiting = .children(join)
    }

    mutating func childSucceeded(parent parentID: Int, child: Fiber, output: JSONValue) {
        guard let parent = state.fibers[parentID], case .children(var join) = parent.waiting else { return }
        let node = node(of: parent)
        join.results[child.slot] = output
        join.running -= 1
        join.finished += 1
        join.children.remove(child.id)
        state.fibers[parentID]?.waiting = .children(join)
        if join.isMap {
            emit(parentID, "MapIterationSucceeded", "mapIterationSucceededEventDetails", ["name": .string(node.name), "index": .number(Double(child.slot))])
        }
        do throws(StatesError) {
            if join.finished == join.results.count {
                try completeChildren(parentID, node, join)
            } else if join.isMap {
                try startItems(parentID, node)
            }
        } catch {
            stateFailed(parentID, error: error)
        }
    }

    mutating func childFailed(parent parentID: Int, child: Fiber, error: StatesError) {
        guard let parent = state.fibers[parentID], case .children(var join) = parent.waiting else { return }
        let node = node(of: parent)
        join.children.remove(child.id)
        join.running -= 1
        if error.isTerminal {
            fiberFailed(parentID, error: error)
            return
        }
        if join.isMap {
            emit(parentID, "MapIterationFailed", "mapIterationFailedEventDetails", ["name": .string(node.name), "index": .number(Double(child.slot))])
            join.failures += 1
            if tolerates(join) {
                join.results[child.slot] = error.output
                join.finished += 1
                state.fibers[parentID]?.waiting = .children(join)
                do throws(StatesError) {
                    if join.finished == join.results.count {
                        try completeChildren(parentID, node, join)
                    } else {
                        try startItems(parentID, node)
                    }
                } catch {
                    stateFailed(parentID, error: error)
                }
                return
            }
        }
        for sibling in join.children.sorted() { discard(sibling) }
        state.fibers[parentID]?.waiting = nil
        let thresholdSet = join.toleratedCount != nil || join.toleratedPercentage != nil
        let raised =
            join.isMap && thresholdSet
            ? StatesError(StatesError.exceedToleratedFailureThreshold, "The specified tolerated failure threshold was exceeded")
            : error
        emit(parentID, join.isMap ? "MapStateFailed" : "ParallelStateFailed", nil, nil)
        stateFailed(parentID, error: raised, annotate: false)
    }

    private func tolerates(_ join: ChildJoin) -> Bool {
        guard join.toleratedCount != nil || join.toleratedPercentage != nil else { return false }
        if let count = join.toleratedCount, join.failures > count { return false }
        if let percentage = join.toleratedPercentage, Double(join.failures) * 100 / Double(join.results.count) > percentage {
            return false
        }
        return true
    }

    private mutating func completeChildren(_ fiberID: Int, _ node: StateNode, _ join: ChildJoin) throws(StatesError) {
        state.fibers[fiberID]?.waiting = nil
        emit(fiberID, join.isMap ? "MapStateSucceeded" : "ParallelStateSucceeded", nil, nil)
        try finish(fiberID, node, result: .array(join.results.map { $0 ?? .null }))
    }
}
