#if canImport(Glibc)
import Glibc
#endif
import Crypto
import FathomCore

/// One message of the Jupyter messaging protocol (version 5.3), as it travels over ZeroMQ:
/// the routing identities, the delimiter `<IDS|MSG>`, the HMAC-SHA256 signature of the next
/// four frames, then header, parent header, metadata and content as JSON, then any buffers.
struct JupyterMessage {
    var identities: [[UInt8]] = []
    var header: JSONValue
    var parentHeader: JSONValue
    var metadata: JSONValue = .object([])
    var content: JSONValue

    static let delimiter = Array("<IDS|MSG>".utf8)
    static let protocolVersion = "5.3"

    var type: String { header["msg_type"]?.stringValue ?? "" }
    var id: String { header["msg_id"]?.stringValue ?? "" }

    /// A new message of `type` answering `parent` (nil: none), in `session`.
    init(type: String, parent: JupyterMessage?, session: String, content: JSONValue, identities: [[UInt8]] = []) {
        header = .object([
            ("msg_id", .string(JupyterMessage.newID())),
            ("session", .string(session)),
            ("username", .string("fathom")),
            ("date", .string(JupyterMessage.now())),
            ("msg_type", .string(type)),
            ("version", .string(JupyterMessage.protocolVersion)),
        ])
        parentHeader = parent?.header ?? .object([])
        self.content = content
        self.identities = identities
    }

    init(identities: [[UInt8]], header: JSONValue, parentHeader: JSONValue, metadata: JSONValue, content: JSONValue) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
    }

    /// The frames to send, signed with `signer`.
    func frames(_ signer: MessageSigner) -> [[UInt8]] {
        let parts = [header, parentHeader, metadata, content].map { Array($0.serialized().utf8) }
        return identities + [JupyterMessage.delimiter, Array(signer.signature(parts).utf8)] + parts
    }

    /// Why a received message was refused.
    enum Refusal: Error, Equatable, CustomStringConvertible {
        case noDelimiter
        case tooFewFrames
        case badSignature
        case badJSON(String)

        var description: String {
            switch self {
            case .noDelimiter: return "no <IDS|MSG> delimiter"
            case .tooFewFrames: return "fewer than the five frames after the identities"
            case .badSignature: return "its signature does not match (a wrong key, or the message was altered)"
            case .badJSON(let why): return "a part is not a JSON object: \(why)"
            }
        }
    }

    /// Reads a received message, checking its signature before anything else.
    init(frames: [[UInt8]], signer: MessageSigner) throws(Refusal) {
        guard let d = frames.firstIndex(of: JupyterMessage.delimiter) else { throw .noDelimiter }
        guard frames.count >= d + 6 else { throw .tooFewFrames }
        let parts = Array(frames[(d + 2)...(d + 5)])
        guard signer.verify(frames[d + 1], parts) else { throw .badSignature }
        var json: [JSONValue] = []
        for p in parts {
            do {
                let v = try JSONValue.parse(p)
                guard case .object = v else { throw Refusal.badJSON("expected an object") }
                json.append(v)
            } catch let e as JSONParseError {
                throw .badJSON(e.description)
            } catch {
                throw .badJSON("\(error)")
            }
        }
        self.init(identities: Array(frames[..<d]), header: json[0], parentHeader: json[1], metadata: json[2], content: json[3])
    }

    /// A fresh message id: 32 random hex digits.
    static func newID() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        return bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The time now in ISO 8601 with microseconds, in UTC.
    static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ x: Int32) -> String { x < 10 ? "0\(x)" : "\(x)" }
        let micro = String(ts.tv_nsec / 1000)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))."
            + String(repeating: "0", count: 6 - micro.count) + micro + "Z"
    }
}

/// HMAC-SHA256 signatures of messages with the connection file's key; an empty key signs
/// nothing and accepts every message, as the protocol specifies.
struct MessageSigner: Sendable {
    /// The key's bytes (a `SymmetricKey` is made per message: it is not `Sendable`).
    private let keyBytes: [UInt8]?

    init(key: String) {
        keyBytes = key.isEmpty ? nil : Array(key.utf8)
    }

    private var key: SymmetricKey? { keyBytes.map { SymmetricKey(data: $0) } }

    /// The hex signature of the four parts, "" without a key.
    func signature(_ parts: [[UInt8]]) -> String {
        guard let key else { return "" }
        return MessageSigner.hex(mac(parts, key))
    }

    private func mac(_ parts: [[UInt8]], _ key: SymmetricKey) -> [UInt8] {
        var h = HMAC<SHA256>(key: key)
        for p in parts { h.update(data: p) }
        return Array(h.finalize())
    }

    /// Whether `signature` (hex, as received) is the parts' signature; compared in constant
    /// time so that a forger learns nothing from how long a refusal takes.
    func verify(_ signature: [UInt8], _ parts: [[UInt8]]) -> Bool {
        guard let key else { return true }
        let expected = Array(MessageSigner.hex(mac(parts, key)).utf8)
        guard signature.count == expected.count else { return false }
        var difference: UInt8 = 0
        for i in expected.indices { difference |= expected[i] ^ signature[i] }
        return difference == 0
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension JSONValue {
    var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    var numberValue: Double? { if case .number(let x) = self { return x }; return nil }
    var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
}
