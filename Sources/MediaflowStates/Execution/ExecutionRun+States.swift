extension ExecutionRun {
    /// Enters the fiber's current state and runs it as far as it goes.
    mutating func enterState(_ fiberID: Int) {
        guard var fiber = state.fibers[fiberID] else { return }
        let node = node(of: fiber)
        fiber.enteredAt = now
        fiber.waiting = nil
        if fiber.retryCounts.count != node.retriers.count { fiber.retryCounts = Array(repeating: 0, count: node.retriers.count) }
        state.fibers[fiberID] = fiber
        state.transitions += 1
        let entered = emit(fiberID, "\(node.kind.rawValue)StateEntered", "stateEnteredEventDetails", [
            "name": .string(node.name), "input": .string(JSONText.serialize(fiber.input)),
        ])
        state.fibers[fiberID]?.enteredEventID = entered
        do throws(StatesError) {
            try run(node, fiberID)
        } catch {
            stateFailed(fiberID, error: error)
        }
    }

    private mutating func run(_ node: StateNode, _ fiberID: Int) throws(StatesError) {
        let fiber = state.fibers[fiberID]!
        switch node.kind {
        case .pass:
            let effective = try effectiveInput(node, fiber)
            var result = effective
            if let literal = node.result { result = literal }
            try finish(fiberID, node, result: result)
        case .succeed where node.usesJSONata:
            var scope = makeScope(fiber, input: fiber.input)
            exit(fiberID, node, output: try node.output?.evaluate(in: &scope) ?? fiber.input, next: nil)
        case .succeed:
            exit(fiberID, node, output: try select(node.outputPath, from: try select(node.inputPath, from: fiber.input, fiber), fiber), next: nil)
        case .fail:
            fiberFailed(fiberID, error: try failure(of: node, fiber))
        case .choice:
            try runChoice(node, fiberID)
        case .wait:
            try runWait(node, fiberID)
        case .task:
            try runTask(node, fiberID)
        case .parallel:
            try runParallel(node, fiberID)
        case .map:
            try runMap(node, fiberID)
        }
    }

    /// Completes a state that produced `result`: ResultSelector, Assign, ResultPath, OutputPath, then on.
    mutating func finish(_ fiberID: Int, _ node: StateNode, result raw: JSONValue) throws(StatesError) {
        guard let fiber = state.fibers[fiberID] else { return }
        if node.usesJSONata {
            var scope = makeScope(fiber, input: fiber.input)
            scope.result = raw
            try finishJSONata(fiberID, node, scope: &scope, output: node.output, otherwise: raw, assign: [node.assign], next: node.next)
            return
        }
        var result = raw
        if let selector = node.resultSelector {
            var scope = makeScope(fiber, input: result)
            result = try selector.evaluate(in: &scope)
            state.random = scope.random
        }
        let assigned = try assignments(node.assign, fiber, input: result)
        let combined = try place(result, into: fiber.input, at: node.resultPath)
        let output = try select(node.outputPath, from: combined, fiber)
        commit(assigned, to: fiberID)
        exit(fiberID, node, output: output, next: node.next)
    }

    /// Completes a JSONata state: Assign (each of `assign` in turn) and Output, both seeing the variables as they
    /// were when the state was entered, then on to `next`.
    mutating func finishJSONata(
        _ fiberID: Int, _ node: StateNode, scope: inout EvaluationScope, output: PayloadTemplate?, otherwise: JSONValue,
        assign: [PayloadTemplate?], next: String?
    ) throws(StatesError) {
        var assigned: JSONObject = [:]
        for case let template? in assign {
            guard case .object(let values) = try template.evaluate(in: &scope) else { continue }
            assigned.merge(values) { $1 }
        }
        let value = try output?.evaluate(in: &scope) ?? otherwise
        state.random = scope.random
        commit(assigned, to: fiberID)
        exit(fiberID, node, output: value, next: next)
    }

    /// Emits the exit event and moves on (`next` nil ends the fiber).
    mutating func exit(_ fiberID: Int, _ node: StateNode, output: JSONValue, next: String?) {
        emit(fiberID, "\(node.kind.rawValue)StateExited", "stateExitedEventDetails", [
            "name": .string(node.name), "output": .string(JSONText.serialize(output)),
        ])
        leave(fiberID, to: next, output: output)
    }

    private func failure(of node: StateNode, _ fiber: Fiber) throws(StatesError) -> StatesError {
        func text(_ source: StateNode.Text?) throws(StatesError) -> String? {
            var scope = makeScope(fiber, input: fiber.input)
            switch source {
            case nil: return nil
            case .literal(let literal): return literal
            case .path(let path): return Self.plain(try scope.require(path))
            case .intrinsic(let call): return Self.plain(try call.evaluate(in: &scope))
            case .expression(let template): return Self.plain(try template.evaluate(in: &scope))
            }
        }
        return StatesError(try text(node.error) ?? "", try text(node.cause) ?? "")
    }

    private mutating func runChoice(_ node: StateNode, _ fiberID: Int) throws(StatesError) {
        let fiber = state.fibers[fiberID]!
        let input = try select(node.inputPath, from: fiber.input, fiber)
        let scope = makeScope(fiber, input: input)
        var chosen: ChoiceBranch?
        for branch in node.choices where try branch.condition.holds(in: scope) {
            chosen = branch
            break
        }
        guard let next = chosen?.next ?? node.defaultNext else {
            throw StatesError(StatesError.noChoiceMatched, "No Matches!")
        }
        if node.usesJSONata {
            var scope = scope
            try finishJSONata(
                fiberID, node, scope: &scope, output: chosen?.output ?? node.output, otherwise: input, assign: [node.assign, chosen?.assign],
                next: next)
            return
        }
        var assigned = try assignments(node.assign, fiber, input: input)
        for (name, value) in try assignments(chosen?.assign, fiber, input: input) { assigned[name] = value }
        let output = try select(node.outputPath, from: input, fiber)
        commit(assigned, to: fiberID)
        exit(fiberID, node, output: output, next: next)
    }

    private mutating func runWait(_ node: StateNode, _ fiberID: Int) throws(StatesError) {
        let fiber = state.fibers[fiberID]!
        let input = try select(node.inputPath, from: fiber.input, fiber)
        let until: Double
        if let seconds = node.waitSeconds {
            until = now + Double(try waitSeconds(seconds, fiber))
        } else {
            until = try waitTimestamp(node.waitTimestamp!, fiber)
        }
        let assigned = try assignments(node.assign, fiber, input: input)
        var output = try select(node.outputPath, from: input, fiber)
        if node.usesJSONata {
            var scope = makeScope(fiber, input: input)
            output = try node.output?.evaluate(in: &scope) ?? input
            state.random = scope.random
        }
        commit(assigned, to: fiberID)
        if until <= now {
            exit(fiberID, node, output: output, next: node.next)
        } else {
            state.fibers[fiberID]?.waiting = .wait(until: until, output: output)
        }
    }

    // MARK: - Errors

    /// Applies the state's Retry and Catch to an error, or fails the fiber.
    mutating func stateFailed(_ fiberID: Int, error raw: StatesError, annotate: Bool = true) {
        guard var fiber = state.fibers[fiberID] else { return }
        let node = node(of: fiber)
        var error = raw
        if annotate, error.name == StatesError.runtime || error.name == StatesError.queryEvaluationError {
            error.cause = "An error occurred while executing the state '\(node.name)' (entered at the event id #\(fiber.enteredEventID)). \(error.cause)"
        }
        guard !error.isTerminal else {
            fiberFailed(fiberID, error: error)
            return
        }
        if let index = node.retriers.firstIndex(where: { $0.errorEquals.matches(error) }) {
            let retrier = node.retriers[index]
            let attempt = fiber.retryCounts[index]
            if attempt < retrier.maxAttempts {
                fiber.retryCounts[index] += 1
                var delay = retrier.delay(forAttempt: attempt)
                if retrier.fullJitter { delay = Double.random(in: 0...delay, using: &state.random) }
                fiber.waiting = .retry(until: now + delay)
                state.fibers[fiberID] = fiber
                return
            }
        }
        if let catcher = node.catchers.first(where: { $0.errorEquals.matches(error) }) {
            do throws(StatesError) {
                if node.usesJSONata {
                    var scope = makeScope(fiber, input: fiber.input)
                    scope.errorOutput = error.output
                    try finishJSONata(fiberID, node, scope: &scope, output: catcher.output, otherwise: error.output, assign: [catcher.assign], next: catcher.next)
                    return
                }
                let assigned = try assignments(catcher.assign, fiber, input: error.output)
                let output = try place(error.output, into: fiber.input, at: catcher.resultPath)
                commit(assigned, to: fiberID)
                exit(fiberID, node, output: output, next: catcher.next)
            } catch {
                fiberFailed(fiberID, error: error)
            }
            return
        }
        fiberFailed(fiberID, error: error)
    }

    // MARK: - Timers

    mutating func fireDueTimers() {
        if let deadline = state.deadline, deadline <= now {
            let error = StatesError(StatesError.timeout, "The execution exceeded its TimeoutSeconds.")
            endExecution(.timedOut, error: error, type: "ExecutionTimedOut", details: ["error": .string(error.name), "cause": .string(error.cause)])
            return
        }
        let due = state.fibers.values.compactMap { fiber in fiber.waiting?.due.flatMap { $0 <= now ? (fiber.id, $0) : nil } }
        for (fiberID, _) in due.sorted(by: { ($0.1, $0.0) < ($1.1, $1.0) }) where isRunning {
            guard let fiber = state.fibers[fiberID] else { continue }
            switch fiber.waiting {
            case .wait(_, let output):
                exit(fiberID, node(of: fiber), output: output, next: node(of: fiber).next)
            case .retry:
                state.fibers[fiberID]?.waiting = nil
                ready.append(fiberID)
            case .task(let task):
                let heartbeatLapsed = task.heartbeatDeadline.map { $0 <= now } ?? false
                let error =
                    heartbeatLapsed
                    ? StatesError(StatesError.heartbeatTimeout, "The task sent no heartbeat within HeartbeatSeconds.")
                    : StatesError(StatesError.timeout, "The task did not finish within TimeoutSeconds.")
                failTask(token: task.token, error: error, timedOut: true)
            case .children, nil:
                break
            }
        }
    }
}
