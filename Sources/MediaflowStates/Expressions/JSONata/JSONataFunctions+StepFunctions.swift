/// The functions Step Functions adds to JSONata, done as the matching intrinsic functions do them.
extension JSONataFunctions {
    static let stepFunctions: [String: JSONataFunction] = [
        "partition": { args, environment throws(JSONataError) in try intrinsic(.arrayPartition, args, &environment) },
        "range": { args, environment throws(JSONataError) in try intrinsic(.arrayRange, args, &environment) },
        "hash": { args, environment throws(JSONataError) in try intrinsic(.hash, args, &environment) },
        "uuid": { args, environment throws(JSONataError) in try intrinsic(.uuid, args, &environment) },
        "parse": { args, environment throws(JSONataError) in try intrinsic(.stringToJson, args, &environment) },
        "random": { _, environment throws(JSONataError) in .number(Double.random(in: 0..<1, using: &environment.random)) },
    ]

    private static func intrinsic(_ function: IntrinsicFunction, _ args: Arguments, _ environment: inout JSONataEnvironment)
        throws(JSONataError) -> JSONValue?
    {
        var values: [JSONValue] = []
        for index in args.list.indices {
            guard let value = try args.optional(index) else { return nil }
            values.append(value)
        }
        do {
            return try function.apply(to: values, random: &environment.random)
        } catch {
            throw JSONataError("$\(args.function): \(error.cause)")
        }
    }
}
