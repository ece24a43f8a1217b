#if canImport(Glibc)
import Glibc
#endif
import FathomCore
import FathomLanguage

extension Session {
    /// Writes the session's log as a report at `path` (.md or .html) and returns a line
    /// saying what was written. A Markdown report's plots go to `NAME_files/cell-N.png`
    /// beside it; an HTML report holds its plots as inline SVG. The same log gives the same
    /// bytes.
    func writeReport(to path: String, defaultTitle: String, origin: String, includeFailures: Bool, stopNote: String? = nil) throws -> String {
        guard let format = ReportFormat(path: path) else {
            throw Diagnostic("report.format", "a report is written as .md or .html; '\(path)' is neither")
        }
        let folder = FileSystem.parentFolder(FileSystem.absolute(path))
        guard FileSystem.isDirectory(folder) else {
            throw Diagnostic("report.folder", "cannot write \(path): the folder \(FileSystem.parentFolder(path)) does not exist")
        }
        var report = Report(log: log, defaultTitle: defaultTitle,
                            subtitle: "Fathom \(FathomVersion.string) · \(origin) · seed \(settings.seed)",
                            includeFailures: includeFailures)
        report.stopNote = stopNote
        let figures = report.figures
        let text: String
        switch format {
        case .markdown:
            var images: [Int: Result<String, Diagnostic>] = [:]
            if !figures.isEmpty {
                let stem = Session.stem(path)
                let imageFolder = stem + "_files"
                try Session.prepareImageFolder(imageFolder)
                for (n, figure) in figures {
                    let file = "cell-\(n).png"
                    do {
                        try plots.render(figure, to: imageFolder + "/" + file)
                        images[n] = .success(FileSystem.baseName(imageFolder) + "/" + file)
                    } catch let d as Diagnostic {
                        images[n] = .failure(d)
                    }
                }
            }
            text = MarkdownReport.render(report, images: images)
        case .html:
            var svgs: [Int: Result<String, Diagnostic>] = [:]
            for (n, figure) in figures {
                do {
                    let document = String(decoding: try plots.svg(figure), as: UTF8.self)
                    svgs[n] = .success(HTMLReport.inlineSVG(document, prefix: "c\(n)-", title: figure.title ?? figure.kind))
                } catch let d as Diagnostic {
                    svgs[n] = .failure(d)
                }
            }
            text = HTMLReport.render(report, svgs: svgs)
        }
        do {
            try FileSystem.writeAtomically(path, text: text)
        } catch let e as FileError {
            throw Diagnostic("report.write", "cannot write \(path): \(e.reason)")
        }
        let cells = report.blocks.filter { if case .cell = $0 { return true }; return false }.count
        var parts = ["\(cells) cell\(cells == 1 ? "" : "s")"]
        if !figures.isEmpty {
            parts.append("\(figures.count) plot\(figures.count == 1 ? "" : "s")" + (format == .markdown ? " in \(Session.stem(path))_files/" : ""))
        }
        if let summary = report.checkSummary { parts.append(summary) }
        return "wrote \(path): " + parts.joined(separator: ", ")
    }

    /// The path without its extension.
    static func stem(_ path: String) -> String {
        let base = FileSystem.baseName(path)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return path }
        let drop = base.distance(from: dot, to: base.endIndex)
        return String(path.dropLast(drop))
    }

    /// Creates the folder of a report's images, or empties it of earlier `cell-N.png` files
    /// (so a shorter report leaves no stale plots behind). Other files are left alone.
    static func prepareImageFolder(_ folder: String) throws {
        if FileSystem.exists(folder) && !FileSystem.isDirectory(folder) {
            throw Diagnostic("report.folder", "cannot write the report's plots: \(folder) exists and is not a folder")
        }
        if !FileSystem.exists(folder) {
            guard mkdir(folder, 0o777) == 0 else {
                throw Diagnostic("report.folder", "cannot create \(folder): \(FileSystem.reason())")
            }
            return
        }
        for name in FileSystem.folderEntries(folder)
        where name.hasPrefix("cell-") && name.hasSuffix(".png") && name.dropFirst(5).dropLast(4).allSatisfy(\.isNumber) {
            unlink(folder + "/" + name)
        }
    }
}
