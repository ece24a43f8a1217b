/// A span of source text: UTF-8 byte offsets `start..<end` into a ``SourceFile``.
public struct SourceRange: Sendable, Hashable {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(min(start, other.start), max(end, other.end))
    }
}

/// A 1-based line and column. Columns count characters, not bytes.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A piece of source: a script file, one chunk of standard input, or a `-e` argument.
///
/// `firstLine` is the line number of the text's first line in the whole input, so that a
/// statement read from line 40 of standard input is reported as `<stdin>:40:…`.
public final class SourceFile: Sendable {
    public let name: String
    public let text: String
    public let bytes: [UInt8]
    public let firstLine: Int
    private let lineStarts: [Int]

    public init(name: String, text: String, firstLine: Int = 1) {
        self.name = name
        self.text = text
        self.firstLine = firstLine
        let bytes = Array(text.utf8)
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        lineStarts = starts
    }

    /// The index (0-based, within this file) of the line holding byte `offset`.
    public func lineIndex(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Line and column of byte `offset`, lines numbered from ``firstLine``.
    public func location(of offset: Int) -> SourceLocation {
        let offset = min(max(0, offset), bytes.count)
        let li = lineIndex(of: offset)
        let prefix = bytes[lineStarts[li]..<offset]
        let column = String(decoding: prefix, as: UTF8.self).count + 1
        return SourceLocation(line: firstLine + li, column: column)
    }

    /// The text of line `index` (0-based within this file), without its line break.
    public func lineText(at index: Int) -> String {
        let start = lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// Byte offset where line `index` (0-based within this file) starts.
    public func lineStart(at index: Int) -> Int { lineStarts[index] }

    public var lineCount: Int { lineStarts.count }

    /// The source text covered by `range`.
    public func text(in range: SourceRange) -> String {
        let s = min(range.start, bytes.count), e = min(range.end, bytes.count)
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }
}
