import FathomCore

/// What a Jupyter front end tells its kernel in the connection file: where to listen and the
/// key that signs every message.
struct ConnectionFile: Equatable {
    var transport: String
    var ip: String
    var shellPort: Int
    var iopubPort: Int
    var stdinPort: Int
    var controlPort: Int
    var heartbeatPort: Int
    var key: String

    /// A connection file that cannot be used, with the reason in words.
    struct Problem: Error, Equatable {
        var message: String
    }

    /// Reads and checks the file at `path`.
    init(path: String) throws(Problem) {
        let text: String
        do {
            text = try FileSystem.readText(path)
        } catch let e as FileError {
            throw Problem(message: "cannot read the connection file \(e.message)")
        } catch {
            throw Problem(message: "cannot read the connection file \(path)")
        }
        try self.init(text: text, name: path)
    }

    init(text: String, name: String) throws(Problem) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(text)
        } catch let e as JSONParseError {
            throw Problem(message: "\(name) is not a Jupyter connection file: it is not JSON (\(e.description))")
        } catch {
            throw Problem(message: "\(name) is not a Jupyter connection file: it is not JSON")
        }
        guard case .object = json else {
            throw Problem(message: "\(name) is not a Jupyter connection file: expected a JSON object")
        }
        func string(_ field: String, default value: String? = nil) throws(Problem) -> String {
            guard let v = json[field] else {
                if let value { return value }
                throw Problem(message: "\(name): the connection file has no '\(field)'")
            }
            guard let s = v.stringValue else { throw Problem(message: "\(name): '\(field)' must be a string") }
            return s
        }
        func port(_ field: String) throws(Problem) -> Int {
            guard let v = json[field] else { throw Problem(message: "\(name): the connection file has no '\(field)'") }
            guard let x = v.numberValue, x == x.rounded(), x >= 1, x <= 65535 else {
                throw Problem(message: "\(name): '\(field)' must be a port number from 1 to 65535")
            }
            return Int(x)
        }
        transport = try string("transport", default: "tcp")
        guard transport == "tcp" || transport == "ipc" else {
            throw Problem(message: "\(name): transport '\(transport)' is not supported; expected tcp or ipc")
        }
        ip = try string("ip")
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        heartbeatPort = try port("hb_port")
        key = try string("key", default: "")
        let scheme = try string("signature_scheme", default: "hmac-sha256")
        guard scheme == "hmac-sha256" else {
            throw Problem(message: "\(name): signature_scheme '\(scheme)' is not supported; Fathom signs messages with hmac-sha256")
        }
    }

    /// The ZeroMQ address of a channel on `port`.
    func endpoint(_ port: Int) -> String {
        transport == "tcp" ? "tcp://\(ip):\(port)" : "ipc://\(ip)-\(port)"
    }
}
