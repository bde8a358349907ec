extension DefinitionParser {
    mutating func parseTask(_ state: inout StateNode, _ fields: JSONObject, at location: String) {
        guard case .string(let resource)? = fields["Resource"], !resource.isEmpty else {
            issue("\(location).Resource", "a Task state names its Resource")
            return
        }
        state.resource = resource
        state.timeoutSeconds = amount(fields, "TimeoutSeconds", at: location, jsonata: state.usesJSONata)
        state.heartbeatSeconds = amount(fields, "HeartbeatSeconds", at: location, jsonata: state.usesJSONata)
    }

    mutating func parseWait(_ state: inout StateNode, _ fields: JSONObject, at location: String) {
        let given = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"].filter { fields[$0] != nil }
        guard given.count == 1 else {
            issue(location, "a Wait state has exactly one of Seconds, SecondsPath, Timestamp, TimestampPath")
            return
        }
        switch given[0] {
        case "Seconds", "SecondsPath":
            state.waitSeconds = amount(fields, "Seconds", at: location, jsonata: state.usesJSONata)
        case "Timestamp" where state.usesJSONata:
            state.waitTimestamp = jsonataText(fields, "Timestamp", at: location)
        case "Timestamp":
            guard case .string(let text)? = fields["Timestamp"], StatesTimestamp.parse(text) != nil else {
                issue("\(location).Timestamp", "Timestamp is an RFC 3339 date-time such as 2026-01-31T12:00:00Z")
                return
            }
            state.waitTimestamp = .literal(text)
        default:
            guard case .string(let text)? = fields["TimestampPath"], let path = path(text, at: "\(location).TimestampPath") else {
                issue("\(location).TimestampPath", "TimestampPath is a path")
                return
            }
            state.waitTimestamp = .path(path)
        }
    }

    mutating func parseFail(_ state: inout StateNode, _ fields: JSONObject, at location: String) {
        if state.usesJSONata {
            state.error = jsonataText(fields, "Error", at: location)
            state.cause = jsonataText(fields, "Cause", at: location)
            return
        }
        state.error = text(fields, "Error", at: location)
        state.cause = text(fields, "Cause", at: location)
    }

    private mutating func text(_ fields: JSONObject, _ key: String, at location: String) -> StateNode.Text? {
        let pathKey = key + "Path"
        switch (fields[key], fields[pathKey]) {
        case (nil, nil): return nil
        case (.string(let literal)?, nil): return .literal(literal)
        case (nil, .string(let expression)?):
            if IntrinsicCall.looksLikeCall(expression) {
                do {
                    return .intrinsic(try IntrinsicCall(expression))
                } catch {
                    issue("\(location).\(pathKey)", error.description)
                    return nil
                }
            }
            return path(expression, at: "\(location).\(pathKey)").map { .path($0) }
        case (_?, _?): issue(location, "give \(key) or \(pathKey), not both")
        default: issue(location, "\(key) and \(pathKey) are strings")
        }
        return nil
    }

    mutating func parseParallel(_ state: inout StateNode, _ fields: JSONObject, at location: String) {
        guard case .array(let branches)? = fields["Branches"], !branches.isEmpty else {
            issue("\(location).Branches", "a Parallel state has a non-empty array of Branches")
            return
        }
        for (index, branch) in branches.enumerated() {
            let branchLocation = "\(location).Branches[\(index)]"
            guard case .object(let members) = branch else {
                issue(branchLocation, "a branch is an object with StartAt and States")
                continue
            }
            state.branchScopes.append(parseScope(members, at: branchLocation))
        }
    }

    mutating func parseMap(_ state: inout StateNode, _ fields: JSONObject, at location: String) {
        let processorKey = fields["ItemProcessor"] != nil ? "ItemProcessor" : "Iterator"
        guard case .object(let processor)? = fields[processorKey] else {
            issue("\(location).ItemProcessor", "a Map state has an ItemProcessor with StartAt and States")
            return
        }
        if state.usesJSONata {
            state.iteratorScope = parseScope(processor, at: "\(location).\(processorKey)")
            parseJSONataMapFields(&state, fields, at: location)
            return
        }
        if fields["ItemReader"] != nil { issue("\(location).ItemReader", "ItemReader (reading items from S3) is not supported") }
        if fields["ResultWriter"] != nil { issue("\(location).ResultWriter", "ResultWriter (writing results to S3) is not supported") }
        state.iteratorScope = parseScope(processor, at: "\(location).\(processorKey)")
        if case .string(let text)? = fields["ItemsPath"] {
            state.itemsPath = path(text, at: "\(location).ItemsPath")
        } else if fields["ItemsPath"] != nil {
            issue("\(location).ItemsPath", "ItemsPath is a path")
        }
        if let selector = fields["ItemSelector"] {
            if fields["Parameters"] != nil { issue(location, "give ItemSelector or Parameters, not both") }
            state.itemSelector = template(selector, at: "\(location).ItemSelector")
        } else {
            state.itemSelector = state.parameters
        }
        state.parameters = nil
        state.maxConcurrency = amount(fields, "MaxConcurrency", at: location)
        state.toleratedFailureCount = amount(fields, "ToleratedFailureCount", at: location)
        state.toleratedFailurePercentage = amount(fields, "ToleratedFailurePercentage", at: location, integer: false)
        if case .number(let percentage)? = fields["ToleratedFailurePercentage"], percentage > 100 {
            issue("\(location).ToleratedFailurePercentage", "ToleratedFailurePercentage is between 0 and 100")
        }
        if let batcher = fields["ItemBatcher"] {
            guard case .object(let batcherFields) = batcher else {
                issue("\(location).ItemBatcher", "ItemBatcher is an object")
                return
            }
            state.isBatched = true
            state.batchMaxItems = amount(batcherFields, "MaxItemsPerBatch", at: "\(location).ItemBatcher")
            if let input = batcherFields["BatchInput"] {
                state.batchInput = template(input, at: "\(location).ItemBatcher.BatchInput")
            }
        }
    }

    /// A JSONata Map state's `Items`, `ItemSelector` and counts, which may be expressions.
    private mutating func parseJSONataMapFields(_ state: inout StateNode, _ fields: JSONObject, at location: String) {
        for key in ["ItemReader", "ResultWriter", "ItemBatcher"] where fields[key] != nil {
            issue("\(location).\(key)", "\(key) is not supported")
        }
        switch fields["Items"] {
        case nil: break
        case .array(let items)?: state.items = jsonata(.array(items), field: "Items", at: "\(location).Items")
        case .string(let text)? where JSONataExpression.source(of: text) != nil:
            state.items = jsonata(.string(text), field: "Items", at: "\(location).Items")
        default: issue("\(location).Items", "Items is an array or a {% JSONata %} expression")
        }
        state.itemSelector = fields["ItemSelector"].map { jsonata($0, field: "ItemSelector", at: "\(location).ItemSelector") }
        state.maxConcurrency = amount(fields, "MaxConcurrency", at: location, jsonata: true)
        state.toleratedFailureCount = amount(fields, "ToleratedFailureCount", at: location, jsonata: true)
        state.toleratedFailurePercentage = amount(fields, "ToleratedFailurePercentage", at: location, integer: false, jsonata: true)
    }

    mutating func parseRetriers(_ value: JSONValue?, at location: String) -> [Retrier] {
        guard let value else { return [] }
        guard case .array(let entries) = value else {
            issue(location, "Retry is an array of retriers")
            return []
        }
        return entries.enumerated().compactMap { index, entry in
            let entryLocation = "\(location)[\(index)]"
            guard case .object(let fields) = entry, let errors = errorEquals(fields, at: entryLocation, last: index == entries.count - 1)
            else { return nil }
            var retrier = Retrier(errorEquals: errors)
            if let interval = fields["IntervalSeconds"] {
                retrier.intervalSeconds = positiveInteger(interval, at: "\(entryLocation).IntervalSeconds") ?? 1
            }
            if let attempts = fields["MaxAttempts"] {
                if case .number(let number) = attempts, number >= 0, number.rounded() == number {
                    retrier.maxAttempts = Int(saturating: number)
                } else {
                    issue("\(entryLocation).MaxAttempts", "MaxAttempts is a non-negative integer")
                }
            }
            if let rate = fields["BackoffRate"] {
                if case .number(let number) = rate, number >= 1 {
                    retrier.backoffRate = number
                } else {
                    issue("\(entryLocation).BackoffRate", "BackoffRate is a number of at least 1.0")
                }
            }
            if let maxDelay = fields["MaxDelaySeconds"] {
                retrier.maxDelaySeconds = positiveInteger(maxDelay, at: "\(entryLocation).MaxDelaySeconds")
            }
            switch fields["JitterStrategy"] {
            case nil, "NONE": break
            case "FULL": retrier.fullJitter = true
            default: issue("\(entryLocation).JitterStrategy", "JitterStrategy is FULL or NONE")
            }
            return retrier
        }
    }

    mutating func parseCatchers(_ value: JSONValue?, at location: String, jsonata: Bool) -> [Catcher] {
        guard let value else { return [] }
        guard case .array(let entries) = value else {
            issue(location, "Catch is an array of catchers")
            return []
        }
        return entries.enumerated().compactMap { index, entry in
            let entryLocation = "\(location)[\(index)]"
            guard case .object(let fields) = entry, let errors = errorEquals(fields, at: entryLocation, last: index == entries.count - 1)
            else { return nil }
            guard case .string(let next)? = fields["Next"] else {
                issue("\(entryLocation).Next", "a catcher names its Next state")
                return nil
            }
            var catcher = Catcher(errorEquals: errors, next: next)
            if jsonata {
                if fields["ResultPath"] != nil { issue("\(entryLocation).ResultPath", "ResultPath is a JSONPath field; a JSONata catcher uses Output") }
                catcher.output = fields["Output"].map { self.jsonata($0, field: "Output", at: "\(entryLocation).Output") }
                catcher.assign = fields["Assign"].flatMap { jsonataAssign($0, at: "\(entryLocation).Assign") }
                return catcher
            }
            catcher.resultPath = placement(fields["ResultPath"], present: fields.keys.contains("ResultPath"), at: "\(entryLocation).ResultPath")
            catcher.assign = fields["Assign"].map { template($0, at: "\(entryLocation).Assign") }
            return catcher
        }
    }

    private mutating func errorEquals(_ fields: JSONObject, at location: String, last: Bool) -> [String]? {
        guard case .array(let names)? = fields["ErrorEquals"], !names.isEmpty else {
            issue("\(location).ErrorEquals", "ErrorEquals is a non-empty array of error names")
            return nil
        }
        let errors = names.compactMap(\.stringValue)
        guard errors.count == names.count else {
            issue("\(location).ErrorEquals", "error names are strings")
            return nil
        }
        if errors.contains(StatesError.all) && (errors.count > 1 || !last) {
            issue("\(location).ErrorEquals", "States.ALL must appear alone, in the last entry")
        }
        return errors
    }
}
