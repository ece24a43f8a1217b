#if canImport(Glibc)
import Glibc
#endif
import FathomCore

/// Where the interactive history lives: `${XDG_STATE_HOME:-~/.local/state}/fathom/history`,
/// in a folder only the user can read (0700), in a file only the user can read (0600).
enum HistoryFile {
    /// The history file's path, or nil when neither XDG_STATE_HOME nor HOME is set.
    static var path: String? {
        guard let folder = folder else { return nil }
        return folder + "/history"
    }

    static var folder: String? {
        if let state = FileSystem.environment("XDG_STATE_HOME"), state.hasPrefix("/") {
            return state + "/fathom"
        }
        guard let home = FileSystem.environment("HOME"), !home.isEmpty else { return nil }
        return home + "/.local/state/fathom"
    }

    /// Creates the folder (and its parents) and an empty history file when missing, with the
    /// modes above. Returns the path, or nil when it cannot be made (history is then kept only
    /// for this session).
    static func prepare() -> String? {
        guard let folder, let path else { return nil }
        var partial = ""
        for component in folder.split(separator: "/") {
            partial += "/" + component
            if !FileSystem.isDirectory(partial) {
                let isLast = partial == folder
                if mkdir(partial, isLast ? 0o700 : 0o755) != 0, errno != EEXIST { return nil }
            }
        }
        chmod(folder, 0o700)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        fchmod(fd, 0o600)
        close(fd)
        return path
    }
}
