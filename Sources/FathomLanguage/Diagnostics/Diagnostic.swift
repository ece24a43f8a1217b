/// A problem with what the user wrote or asked for: data, not text. One renderer
/// (``DiagnosticRenderer``) turns it into the lines the user reads.
public struct Diagnostic: Error, Sendable {
    /// A stable identifier for tests and tools, such as `syntax.unclosed-bracket` or
    /// `argument.type`.
    public var id: String
    public var message: String
    /// Where in the source; nil for problems with no place (a file that cannot be read).
    public var range: SourceRange?
    /// Extra lines: suggestions ("did you mean 'mean'?") and explanations.
    public var notes: [String]
    /// The source the range refers to; attached by whoever runs the statement.
    public var source: SourceFile?

    public init(_ id: String, _ message: String, at range: SourceRange? = nil, notes: [String] = [], source: SourceFile? = nil) {
        self.id = id
        self.message = message
        self.range = range
        self.notes = notes
        self.source = source
    }

    /// The same diagnostic placed at `range` if it has no place yet.
    public func located(at range: SourceRange) -> Diagnostic {
        var d = self
        if d.range == nil { d.range = range }
        return d
    }

    /// The line and column where it starts, if known.
    public var location: SourceLocation? {
        guard let range, let source else { return nil }
        return source.location(of: range.start)
    }
}
