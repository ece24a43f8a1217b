/// Named fields in the order they were written: `{alpha: 0.05, bins: 15}`, and the result of
/// many builtins.
public struct Record: Sendable {
    public private(set) var keys: [String]
    public private(set) var values: [Value]

    public init() {
        keys = []
        values = []
    }

    public init(_ pairs: [(String, Value)]) {
        self.init()
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }

    public subscript(key: String) -> Value? {
        get { keys.firstIndex(of: key).map { values[$0] } }
        set {
            if let i = keys.firstIndex(of: key) {
                if let newValue { values[i] = newValue } else { keys.remove(at: i); values.remove(at: i) }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public var pairs: [(String, Value)] { Array(zip(keys, values)) }
}
