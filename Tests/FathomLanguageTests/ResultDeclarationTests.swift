import Testing
import FathomLanguage
import FathomCore

/// Each result type is declared once (name, doc, fields); its field names, field access, JSON
/// and help all come from that declaration. These tests hold every result the builtins make
/// to it.
@Suite("Result declarations")
struct ResultDeclarationTests {
    /// Every analysis value the builtins' examples produce, shown or assigned.
    static let results: [(builtin: String, value: any ObjectValue)] = {
        var out: [(String, any ObjectValue)] = []
        for b in BuiltinRegistry.standard.builtins {
            let interpreter = makeInterpreter()
            for parsed in Parser.parse(SourceFile(name: "<example>", text: b.examples.joined(separator: "\n"))) {
                guard let statement = try? parsed.get(), let outcome = try? interpreter.run(statement) else { continue }
                switch outcome {
                case .value(.object(let o)), .assigned(_, .object(let o)): out.append((b.name, o))
                default: break
                }
            }
        }
        return out
    }()

    @Test("every result type a builtin returns is declared")
    func everyTypeDeclared() {
        let declared = Set(ResultTypes.registered.map { ObjectIdentifier($0) })
        #expect(ResultDeclarationTests.results.count >= 20)
        for (builtin, value) in ResultDeclarationTests.results {
            let isDeclared = declared.contains(ObjectIdentifier(type(of: value)))
            #expect(isDeclared, "\(builtin) returns \(type(of: value)), which is not in ResultTypes.registered")
        }
    }

    @Test("field names, field access and JSON agree for every result the examples make")
    func fieldsAgree() throws {
        for (builtin, value) in ResultDeclarationTests.results {
            let names = value.fieldNames
            #expect(Set(names).count == names.count, "\(builtin): a field name repeats in \(names)")
            for n in names { #expect(value.field(n) != nil, "\(builtin): \(value.typeName).\(n) is listed but cannot be read") }
            #expect(value.field("no_such_field") == nil)
            guard !(value is any FileFormatResult) else { continue }
            guard case .object(let members) = value.json() else {
                Issue.record("\(builtin): \(value.typeName)'s JSON is not an object")
                continue
            }
            #expect(members.map(\.0) == names, "\(builtin): \(value.typeName)'s JSON keys \(members.map(\.0)) differ from its fields \(names)")
            for (k, v) in members { #expect(v == value.field(k)!.json(), "\(builtin): \(value.typeName).\(k) differs in JSON") }
        }
    }

    @Test("every declared field has a name and a doc; every type a doc", arguments: ResultTypes.documentation.map(\.name))
    func documented(_ name: String) throws {
        let doc = try #require(ResultTypes.documentation.first { $0.name == name })
        #expect(!doc.doc.isEmpty)
        #expect(!doc.fields.isEmpty)
        for f in doc.fields {
            #expect(f.name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "\(name).\(f.name)")
            #expect(f.doc.count >= 8, "\(name).\(f.name) needs a doc")
        }
    }
}
