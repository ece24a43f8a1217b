#if canImport(Glibc)
import Glibc
#endif

/// NumPy's `.npy` format, versions 1.0, 2.0 and 3.0
/// (numpy.lib.format): the magic `\x93NUMPY`, a version, a header length (2 bytes in 1.0,
/// 4 in 2.0 and 3.0), a Python-literal header dict with `descr`, `fortran_order` and
/// `shape`, then the raw data.
public enum NPYFormat {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// The longest header read (numpy's own reader refuses more than 10 000 bytes by default).
    static let maximumHeaderLength = 1 << 16

    struct Header {
        var descr: String
        var fortran: Bool
        var shape: [Int]
        var dataOffset: Int
    }

    /// The element types read, with their sizes.
    static let itemSizes: [String: Int] = [
        "<f8": 8, "<f4": 4, "<i8": 8, "<i4": 4, "<i2": 2, "|i1": 1, "<u8": 8, "<u4": 4, "<u2": 2, "|u1": 1, "|b1": 1,
    ]

    /// Parses the header at the start of `bytes` (of which `available` are present).
    static func header(_ p: UnsafePointer<UInt8>, _ available: Int, path: String) throws -> Header {
        func fail(_ m: String) -> NumpyError { NumpyError(path: path, message: m) }
        guard available >= 10, (0..<6).allSatisfy({ p[$0] == magic[$0] }) else {
            throw fail("not a NumPy .npy file (it does not start with \\x93NUMPY)")
        }
        let major = p[6]
        let headerLength: Int
        let start: Int
        switch major {
        case 1:
            headerLength = Int(p[8]) | Int(p[9]) << 8
            start = 10
        case 2, 3:
            guard available >= 12 else { throw fail("truncated header") }
            headerLength = Int(p[8]) | Int(p[9]) << 8 | Int(p[10]) << 16 | Int(p[11]) << 24
            start = 12
        default:
            throw fail("unsupported .npy format version \(major).\(p[7]); Fathom reads 1.0, 2.0 and 3.0")
        }
        guard headerLength <= maximumHeaderLength else {
            throw fail("the header is \(headerLength) bytes long, more than the \(maximumHeaderLength) Fathom reads (numpy writes a few hundred)")
        }
        guard start + headerLength <= available else {
            throw fail("truncated header: it promises \(headerLength) bytes, the file has \(max(0, available - start))")
        }
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: headerLength), as: UTF8.self)
        var dict = try PythonLiteral.parseDict(text, path: path)
        guard let descrValue = dict.removeValue(forKey: "descr") else { throw fail("malformed header: no 'descr'") }
        guard case .string(let descr) = descrValue else {
            throw fail("structured dtype \(descrValue.shortText): Fathom reads plain numeric arrays; save one field at a time")
        }
        guard case .bool(let fortran)? = dict["fortran_order"] else { throw fail("malformed header: no 'fortran_order'") }
        guard case .tuple(let shape)? = dict["shape"] else { throw fail("malformed header: no 'shape'") }
        return Header(descr: descr, fortran: fortran, shape: shape, dataOffset: start + headerLength)
    }

    /// Why a dtype is refused, or nil when it is read.
    static func refusal(_ descr: String) -> String? {
        if itemSizes[descr] != nil { return nil }
        if let first = descr.first, first == ">" {
            return "unsupported dtype \(descr): big-endian data; convert it with arr.astype('<\(descr.dropFirst())') before saving"
        }
        if descr.contains("c") { return "unsupported dtype \(descr): complex numbers" }
        if descr.contains("O") { return "unsupported dtype \(descr): Python objects (pickled data) are never read" }
        if descr.contains("U") || descr.contains("S") { return "unsupported dtype \(descr): text; save numbers, or use CSV for text" }
        return "unsupported dtype \(descr); Fathom reads float64, float32, int64, int32, int16, int8, uint8 … uint64 and bool"
    }

    /// Reads a whole `.npy` from memory, refusing more than `limit` values.
    public static func read(bytes: [UInt8], path: String, limit: Int = InputSize.defaultLimit) throws -> NumpyArray {
        try bytes.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, b.count > 0 else { throw NumpyError(path: path, message: "the file is empty") }
            return try read(base, b.count, path: path, limit: limit)
        }
    }

    /// Reads a `.npy` held in `count` bytes at `p`.
    static func read(_ p: UnsafePointer<UInt8>, _ count: Int, path: String, limit: Int) throws -> NumpyArray {
        let h = try header(p, count, path: path)
        return try decode(h, p + h.dataOffset, count - h.dataOffset, path: path, limit: limit)
    }

    /// Reads a `.npy` file (refusing more than `limit` values), float64 data straight into the
    /// result's storage.
    public static func read(path: String, limit: Int = InputSize.defaultLimit) throws -> NumpyArray {
        let fd: Int32
        do { fd = try FileSystem.openForReading(path) } catch let e as FileError { throw NumpyError(path: path, message: e.reason) }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        let kind = st.st_mode & S_IFMT
        if kind == S_IFDIR { throw NumpyError(path: path, message: FileSystem.reason(EISDIR)) }
        guard kind == S_IFREG, st.st_size > 0 else {
            // A pipe, or a file that does not know its size (procfs): read it whole, no more
            // than the largest array the limit allows.
            let bytes: [UInt8]
            do { bytes = try FileSystem.readBytes(path, atMost: 12 + maximumHeaderLength + min(limit, Int.max / 16) * 8) } catch let e as FileError {
                throw NumpyError(path: path, message: e.reason)
            }
            return try read(bytes: bytes, path: path, limit: limit)
        }
        var head = [UInt8](repeating: 0, count: 4096)
        var got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4096, 0) }
        guard got > 0 else { throw NumpyError(path: path, message: got == 0 ? "the file is empty" : FileSystem.reason()) }
        let total = Int(st.st_size)
        var h: Header
        do {
            h = try head.withUnsafeBufferPointer { try header($0.baseAddress!, got, path: path) }
        } catch let e as NumpyError where e.message.hasPrefix("truncated header") && total > got {
            // A header longer than 4 KiB (it is at most 64 KiB): read it whole.
            head = [UInt8](repeating: 0, count: 12 + maximumHeaderLength)
            got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { throw NumpyError(path: path, message: FileSystem.reason()) }
            h = try head.withUnsafeBufferPointer { try header($0.baseAddress!, got, path: path) }
        }
        let count = try checkedCount(h, available: total - h.dataOffset, path: path, limit: limit)
        guard h.descr == "<f8" else {
            // Other types are converted from the file's bytes, which the check above bounds.
            let bytes: [UInt8]
            do { bytes = try FileSystem.readBytes(path, atMost: total) } catch let e as FileError {
                throw NumpyError(path: path, message: e.reason)
            }
            return try read(bytes: bytes, path: path, limit: limit)
        }
        var values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            FileSystem.adviseHugePages(raw)
            // The threads each read pieces: the kernel's copying and zeroing of fresh
            // pages then runs on all cores.
            let target = Parallel.Address(buffer.baseAddress!), offset = h.dataOffset
            let parts = Parallel.chunks(raw.count, threshold: 8 << 20) { range -> Int in
                var done = range.lowerBound
                while done < range.upperBound {
                    // Pieces of at most 64 MiB, so that Ctrl-C is noticed between them.
                    if Interruption.isRequested { break }
                    let n = pread(fd, UnsafeMutableRawPointer(target.pointer) + done, min(range.upperBound - done, 64 << 20), off_t(offset + done))
                    if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                    done += n
                }
                return done - range.lowerBound
            }
            // The bytes read up to the first piece that came up short.
            var done = 0
            for (k, got) in parts.enumerated() {
                done += got
                if got < (k + 1) * raw.count / parts.count - k * raw.count / parts.count { break }
            }
            initialized = done / 8
        }
        try Interruption.check()
        guard values.count == count else {
            throw NumpyError(path: path, message: "truncated: the header declares \(count) values (\(count * 8) bytes) for shape \(shapeText(h.shape)), the file holds \(values.count * 8) bytes of data")
        }
        if h.fortran, h.shape.count == 2 { values = try transposeFortran(values, rows: h.shape[0], cols: h.shape[1]) }
        return NumpyArray(shape: h.shape, values: values, dtype: h.descr)
    }

    /// The number of values the header declares, checked (through ``InputSize``) to be a
    /// possible shape, to be present in the `available` bytes of data, and to fit `limit`.
    static func checkedCount(_ h: Header, available: Int, path: String, limit: Int) throws -> Int {
        if let why = refusal(h.descr) { throw NumpyError(path: path, message: why) }
        guard h.shape.count <= 2 else {
            throw NumpyError(path: path, message: "the array has \(h.shape.count) dimensions \(shapeText(h.shape)); Fathom reads 1-D arrays (vectors) and 2-D arrays (matrices)")
        }
        guard let count = InputSize.elementCount(h.shape) else {
            let why = h.shape.contains { $0 < 0 } ? "a dimension is negative" : "its size does not fit in a 64-bit integer"
            throw NumpyError(path: path, message: "impossible shape \(shapeText(h.shape)): \(why)")
        }
        do {
            try InputSize.check(count, bytesEach: itemSizes[h.descr]!, available: available, limit: limit, what: "the header declares")
        } catch {
            throw NumpyError(path: path, message: error.message + " (\(h.descr), shape \(shapeText(h.shape)))")
        }
        return count
    }

    static func shapeText(_ s: [Int]) -> String { "(" + s.map(String.init).joined(separator: ", ") + (s.count == 1 ? ",)" : ")") }

    static func decode(_ h: Header, _ p: UnsafePointer<UInt8>, _ available: Int, path: String, limit: Int) throws -> NumpyArray {
        let count = try checkedCount(h, available: available, path: path, limit: limit)
        let raw = UnsafeRawPointer(p)
        var values = [Double](repeating: 0, count: count)
        // In pieces of a million values, noticing Ctrl-C between them.
        try values.withUnsafeMutableBufferPointer { out in
            var from = 0
            while from < count {
                try Interruption.check()
                let range = from..<min(count, from + (1 << 20))
                switch h.descr {
                case "<f8": for i in range { out[i] = raw.loadUnaligned(fromByteOffset: i * 8, as: Double.self) }
                case "<f4": for i in range { out[i] = Double(raw.loadUnaligned(fromByteOffset: i * 4, as: Float.self)) }
                case "<i8":
                    for i in range {
                        let v = raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)
                        out[i] = Double(v)
                        if v.magnitude > exactIntegerLimit, Int64(exactly: out[i]) != v { throw inexact(String(v), at: i, path: path) }
                    }
                case "<i4": for i in range { out[i] = Double(raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)) }
                case "<i2": for i in range { out[i] = Double(raw.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)) }
                case "|i1": for i in range { out[i] = Double(Int8(bitPattern: p[i])) }
                case "<u8":
                    for i in range {
                        let v = raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                        out[i] = Double(v)
                        if v > exactIntegerLimit, UInt64(exactly: out[i]) != v { throw inexact(String(v), at: i, path: path) }
                    }
                case "<u4": for i in range { out[i] = Double(raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
                case "<u2": for i in range { out[i] = Double(raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) }
                case "|u1": for i in range { out[i] = Double(p[i]) }
                case "|b1": for i in range { out[i] = p[i] != 0 ? 1 : 0 }
                default: break
                }
                from = range.upperBound
            }
        }
        if h.fortran, h.shape.count == 2 { values = try transposeFortran(values, rows: h.shape[0], cols: h.shape[1]) }
        return NumpyArray(shape: h.shape, values: values, isBool: h.descr == "|b1", dtype: h.descr)
    }

    /// 2⁵³: every integer up to it in magnitude is a double; some beyond it are not.
    static let exactIntegerLimit: UInt64 = 1 << 53

    /// A 64-bit integer that a double cannot hold: refused, as rounding it would change the
    /// data silently (an ID that no longer matches).
    static func inexact(_ value: String, at index: Int, path: String) -> NumpyError {
        NumpyError(path: path, message: "element \(index) is the integer \(value), which a float64 cannot hold exactly (integers beyond 2^53 lose their last digits); Fathom computes in float64, so it refuses the file rather than change the value")
    }

    /// Column-major rows×cols data in row-major order.
    static func transposeFortran(_ v: [Double], rows: Int, cols: Int) throws -> [Double] {
        var out = [Double](repeating: 0, count: v.count)
        for j in 0..<cols {
            if j & 1023 == 0 { try Interruption.check() }
            for i in 0..<rows { out[i * cols + j] = v[j * rows + i] }
        }
        return out
    }

    /// A `.npy` (version 1.0, little-endian float64 or bool, C order) for `values` of `shape`.
    public static func encode(shape: [Int], values: [Double], bool: Bool = false) -> [UInt8] {
        let descr = bool ? "|b1" : "<f8"
        let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad so that the data starts on a multiple of 64 bytes, ending with a newline.
        let unpadded = 10 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = magic + [1, 0]
        let n = dict.utf8.count
        out += [UInt8(n & 0xFF), UInt8(n >> 8)]
        out += Array(dict.utf8)
        if bool {
            out += values.map { $0 != 0 ? 1 : 0 }
        } else {
            values.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }
}

/// The little Python literal language of `.npy` headers: a dict of strings, booleans,
/// integers and tuples of integers (and lists, for structured dtypes, which are refused).
enum PythonLiteral: Equatable {
    case string(String)
    case bool(Bool)
    case int(Int)
    case tuple([Int])
    case other(String)

    var shortText: String {
        switch self {
        case .other(let s): return s.count > 40 ? String(s.prefix(40)) + "…" : s
        default: return "\(self)"
        }
    }

    static func parseDict(_ text: String, path: String) throws -> [String: PythonLiteral] {
        let chars = Array(text.unicodeScalars)
        var i = 0
        func fail(_ m: String) -> NumpyError { NumpyError(path: path, message: "malformed header (\(m)): \(String(text.prefix(80)).trimmingCharacters)") }
        func skip() { while i < chars.count, chars[i] == " " || chars[i] == "\n" || chars[i] == "\t" { i += 1 } }
        func string() throws -> String {
            let q = chars[i]
            i += 1
            var s = ""
            while i < chars.count, chars[i] != q { s.unicodeScalars.append(chars[i]); i += 1 }
            guard i < chars.count else { throw fail("unterminated string") }
            i += 1
            return s
        }
        func value() throws -> PythonLiteral {
            skip()
            guard i < chars.count else { throw fail("missing value") }
            let c = chars[i]
            if c == "'" || c == "\"" { return .string(try string()) }
            if c == "(" {
                i += 1
                var items: [Int] = []
                while true {
                    skip()
                    guard i < chars.count else { throw fail("unterminated tuple") }
                    if chars[i] == ")" { i += 1; return .tuple(items) }
                    var digits = ""
                    while i < chars.count, chars[i].properties.numericType != nil || chars[i] == "-" { digits.unicodeScalars.append(chars[i]); i += 1 }
                    if i < chars.count, chars[i] == "L" { i += 1 }
                    guard let v = Int(digits) else {
                        if digits.unicodeScalars.dropFirst(digits.hasPrefix("-") ? 1 : 0).allSatisfy({ $0.isASCII && $0.properties.numericType != nil }), digits.count > 1 {
                            throw NumpyError(path: path, message: "impossible shape: the dimension \(digits.prefix(40))\(digits.count > 40 ? "…" : "") does not fit in a 64-bit integer")
                        }
                        throw fail("bad shape")
                    }
                    items.append(v)
                    skip()
                    if i < chars.count, chars[i] == "," { i += 1 }
                }
            }
            if c == "[" || c == "{" {
                // A structured dtype: keep its text to report.
                let open = c, close: Unicode.Scalar = c == "[" ? "]" : "}"
                var depth = 0
                let start = i
                while i < chars.count {
                    if chars[i] == open { depth += 1 } else if chars[i] == close { depth -= 1; if depth == 0 { i += 1; break } }
                    i += 1
                }
                return .other(String(String.UnicodeScalarView(chars[start..<i])))
            }
            var word = ""
            while i < chars.count, chars[i] != ",", chars[i] != "}", chars[i] != " " { word.unicodeScalars.append(chars[i]); i += 1 }
            if word == "True" { return .bool(true) }
            if word == "False" { return .bool(false) }
            if let v = Int(word) { return .int(v) }
            throw fail("unexpected '\(word)'")
        }
        skip()
        guard i < chars.count, chars[i] == "{" else { throw fail("expected a dict") }
        i += 1
        var dict: [String: PythonLiteral] = [:]
        while true {
            skip()
            guard i < chars.count else { throw fail("unterminated dict") }
            if chars[i] == "}" { return dict }
            guard chars[i] == "'" || chars[i] == "\"" else { throw fail("expected a key") }
            let key = try string()
            skip()
            guard i < chars.count, chars[i] == ":" else { throw fail("expected ':'") }
            i += 1
            dict[key] = try value()
            skip()
            if i < chars.count, chars[i] == "," { i += 1 }
        }
    }
}

extension String {
    var trimmingCharacters: String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}


