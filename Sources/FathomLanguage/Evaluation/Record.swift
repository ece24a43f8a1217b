/// Named fields in the order they were written: `{alpha: 0.05, bins: 15}`, and the result of
/// many builtins.
///
/// A key is found through a dictionary beside the ordered keys, so building a record of n
/// fields (a JSON object with 100 000 keys) takes O(n) and reading a field O(1). Writing a key
/// that is already there replaces its value in place (it keeps its first position); removing a
/// key (assigning nil) takes O(n).
public struct Record: Sendable {
    public private(set) var keys: [String]
    public private(set) var values: [Value]
    /// Where each key sits in `keys`.
    private var positions: [String: Int]

    public init() {
        keys = []
        values = []
        positions = [:]
    }

    public init(_ pairs: [(String, Value)]) {
        self.init()
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        positions.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }

    public subscript(key: String) -> Value? {
        get { positions[key].map { values[$0] } }
        set {
            if let i = positions[key] {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                    positions[key] = nil
                    for j in i..<keys.count { positions[keys[j]] = j }
                }
            } else if let newValue {
                positions[key] = keys.count
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public var pairs: [(String, Value)] { Array(zip(keys, values)) }
}
