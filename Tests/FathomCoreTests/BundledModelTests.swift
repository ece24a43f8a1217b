import Testing
import Foundation
import FathomCore
import FathomTestSupport

/// The bundled digits models reproduce scikit-learn's probabilities on the bundled test set.
@Suite("Bundled models against scikit-learn")
struct BundledModelTests {
    static let datasets = Fixture.folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Datasets")

    @Test("predict_proba to 1e-9", arguments: ["softmax", "mlp"])
    func agree(_ name: String) throws {
        let model = try Model(json: JSONValue.parse(FileSystem.readBytes(BundledModelTests.datasets.appendingPathComponent("digits/\(name).json").path)))
        let test = try CSVReader.read(path: BundledModelTests.datasets.appendingPathComponent("digits/test.csv").path)
        let pixels = (0..<64).map { j -> [Double] in
            guard case .numbers(let v) = test.column("pixel_\(j)")! else { return [] }
            return v
        }
        var x = Matrix(rows: test.rowCount, cols: 64)
        for i in 0..<test.rowCount { for j in 0..<64 { x[i, j] = pixels[j][i] } }
        let p = try model.probabilities(x)
        let want = try Fixture.json("digits-sklearn.json")[name]!.array.map(\.doubles)
        #expect(want.count == test.rowCount)
        var worst = 0.0
        for i in 0..<p.rows { for k in 0..<10 { worst = max(worst, abs(p[i, k] - want[i][k])) } }
        #expect(worst < 1e-9, "max |Δp| = \(worst)")
    }

    @Test("the catalog lists every file it names, and they exist")
    func catalog() throws {
        let catalog = try #require(DatasetCatalog(directory: BundledModelTests.datasets.path))
        #expect(catalog.entries.count >= 20)
        for e in catalog.entries {
            #expect(FileSystem.exists(catalog.directory + "/" + e.file), "\(e.file)")
            #expect(!e.description.isEmpty)
        }
        for folder in ["digits", "breast-cancer", "penguins", "port-pirie", "av-perception", "elicitation"] {
            #expect(FileSystem.exists(catalog.directory + "/\(folder)/CARD.md"), "\(folder) has a card")
        }
    }
}
