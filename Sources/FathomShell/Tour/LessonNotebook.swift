import FathomCore

/// A lesson as a Jupyter notebook (nbformat 4.5) for the Fathom kernel: each step's prose as a
/// Markdown cell, its statements as one code cell, no outputs (running it fills them).
enum LessonNotebook {
    static func json(_ steps: [LessonSteps.Step]) -> String {
        var cells: [JSONValue] = []
        func id() -> JSONValue { .string("cell-\(cells.count + 1)") }
        for step in steps {
            var prose = step.prose
            while prose.last == "" { prose.removeLast() }
            if !prose.isEmpty {
                cells.append(.object([
                    ("cell_type", .string("markdown")), ("id", id()), ("metadata", .object([])),
                    ("source", .string(prose.joined(separator: "\n"))),
                ]))
            }
            if !step.code.isEmpty {
                cells.append(.object([
                    ("cell_type", .string("code")), ("execution_count", .null), ("id", id()), ("metadata", .object([])),
                    ("outputs", .array([])), ("source", .string(step.code.map(\.text).joined(separator: "\n"))),
                ]))
            }
        }
        let notebook = JSONValue.object([
            ("cells", .array(cells)),
            ("metadata", .object([
                ("kernelspec", .object([("display_name", .string("Fathom")), ("language", .string("fathom")), ("name", .string("fathom"))])),
                ("language_info", .object([("name", .string("fathom")), ("file_extension", .string(".fathom")), ("mimetype", .string("text/x-fathom"))])),
            ])),
            ("nbformat", .number(4)),
            ("nbformat_minor", .number(5)),
        ])
        return notebook.serialized() + "\n"
    }
}
