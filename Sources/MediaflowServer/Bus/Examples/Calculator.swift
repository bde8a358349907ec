import MediaflowModel

/// The seed's example service, `avid.acs.calculator` in realm `global.test` at version 3:
/// `add` and `divide` take `num1` and `num2` from the `paramSet`, `addInContext` reads them from
/// `context.add`. Shipped as `mediaflow bus calculator` to try the bus and to test it.
public enum Calculator {
    public static let description = BusServiceDescription(
        address: BusAddress(type: "avid.acs.calculator", realm: "global.test", version: 3),
        description: "The calculator of the Avid service-bus documentation",
        ops: [
            BusOperation(
                name: "add", description: "num1 + num2", paramSet: ["num1": "number", "num2": "number"],
                resultSet: ["sum": "number"], examples: [["paramSet": ["num1": 5, "num2": 3], "resultSet": ["sum": 8]]]),
            BusOperation(
                name: "divide", description: "num1 / num2; dividing by zero is an error",
                paramSet: ["num1": "number", "num2": "number"], resultSet: ["quotient": "number"],
                examples: [["paramSet": ["num1": 12, "num2": 3], "resultSet": ["quotient": 4]]]),
            BusOperation(
                name: "addInContext", description: "context.add.num1 + context.add.num2",
                resultSet: ["sum": "number"],
                examples: [["context": ["add": ["num1": 2, "num2": 4]], "resultSet": ["sum": 6]]]),
        ])

    /// Answers one request.
    /// - Throws: `BusFault` for a missing operand or a division by zero.
    public static func answer(_ request: BusRequest) throws(BusFault) -> JSONValue {
        switch request.op {
        case "add":
            let (first, second) = try operands(request.paramSet, in: "paramSet")
            return ["sum": .number(first + second)]
        case "divide":
            let (dividend, divisor) = try operands(request.paramSet, in: "paramSet")
            guard divisor != 0 else {
                throw BusFault(
                    code: "avid.acs.calculator/E0001", message: "Division by zero",
                    details: "num2 is 0: a number cannot be divided by zero", status: 400, field: "paramSet/num2")
            }
            return ["quotient": .number(dividend / divisor)]
        case "addInContext":
            let (first, second) = try operands(request.context["add"], in: "context/add")
            return ["sum": .number(first + second)]
        default:
            throw BusFault.unknownOp(request.op, request.address)
        }
    }

    private static func operands(_ container: JSONValue?, in place: String) throws(BusFault) -> (Double, Double) {
        guard let first = container?["num1"]?.numberValue else { throw .malformed("\(place)/num1", "must be a number") }
        guard let second = container?["num2"]?.numberValue else { throw .malformed("\(place)/num2", "must be a number") }
        return (first, second)
    }
}
