#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// The kernel spec that tells Jupyter how to start Fathom: a folder `kernels/NAME` holding
/// `kernel.json` under a Jupyter data folder.
public enum KernelSpec {
    /// Where `fathom kernel install` writes, as `jupyter kernelspec install` chooses: under
    /// `prefix/share/jupyter`, the user's data folder (`--user`: JUPYTER_DATA_DIR, else
    /// XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter), or the system's
    /// (/usr/local/share/jupyter).
    public static func dataFolder(user: Bool, prefix: String?) -> String? {
        if let prefix { return FileSystem.absolute(prefix) + "/share/jupyter" }
        if user {
            if let d = FileSystem.environment("JUPYTER_DATA_DIR"), !d.isEmpty { return FileSystem.absolute(d) }
            if let x = FileSystem.environment("XDG_DATA_HOME"), !x.isEmpty { return x + "/jupyter" }
            guard let home = FileSystem.environment("HOME"), !home.isEmpty else { return nil }
            return home + "/.local/share/jupyter"
        }
        return "/usr/local/share/jupyter"
    }

    /// The text of kernel.json for the fathom at `executable`.
    static func json(executable: String, displayName: String) -> String {
        let spec = JSONValue.object([
            ("argv", .array([.string(executable), .string("kernel"), .string("-f"), .string("{connection_file}")])),
            ("display_name", .string(displayName)),
            ("language", .string("fathom")),
            ("interrupt_mode", .string("signal")),
            ("metadata", .object([("debugger", .bool(false))])),
        ])
        return spec.serialized() + "\n"
    }

    /// Whether `name` can name a kernel: letters, digits, '.', '_' and '-' (Jupyter's rule).
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// Writes the kernel spec; returns the folder it wrote, or a message saying why it could not.
    public static func install(name: String, user: Bool, prefix: String?) -> Result<String, KernelSpecError> {
        guard isValidName(name) else {
            return .failure(KernelSpecError(message: "'\(Printable.text(name))' cannot name a kernel: use letters, digits, '.', '_' and '-'"))
        }
        guard let data = dataFolder(user: user, prefix: prefix) else {
            return .failure(KernelSpecError(message: "cannot find your home folder (HOME is not set); give --prefix DIR"))
        }
        guard let executable = executablePath() else {
            return .failure(KernelSpecError(message: "cannot find the path of the running fathom (/proc/self/exe)"))
        }
        let folder = data + "/kernels/" + name.lowercased()
        if let problem = makeFolders(folder) { return .failure(KernelSpecError(message: problem)) }
        do {
            try FileSystem.writeAtomically(folder + "/kernel.json", text: json(executable: executable, displayName: "Fathom"))
        } catch let e as FileError {
            return .failure(KernelSpecError(message: "cannot write \(e.message)"))
        } catch {
            return .failure(KernelSpecError(message: "cannot write \(folder)/kernel.json"))
        }
        return .success(folder)
    }

    /// The running executable's absolute path.
    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, 4095)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Makes `folder` and the folders above it; nil when done, else the reason.
    static func makeFolders(_ folder: String) -> String? {
        var partial = ""
        for part in folder.split(separator: "/", omittingEmptySubsequences: true) {
            partial += "/" + part
            if FileSystem.isDirectory(partial) { continue }
            if mkdir(partial, 0o777) != 0, errno != EEXIST {
                return "cannot make the folder \(partial): \(FileSystem.reason())"
            }
        }
        return nil
    }
}

public struct KernelSpecError: Error {
    public var message: String
}
