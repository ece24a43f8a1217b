import Foundation
import ZIPFoundation

/// NumPy's `.npz`: a zip archive (stored or deflated, zip64 as numpy writes it) of `.npy`
/// members, read with ZIPFoundation.
public enum NPZFormat {
    /// The arrays of the archive in archive order, named without the `.npy` suffix.
    public static func read(path: String) throws -> [(String, NumpyArray)] {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            if !FileSystem.exists(path) { throw NumpyError(path: path, message: "no such file or folder") }
            throw NumpyError(path: path, message: "not a readable .npz (zip) archive")
        }
        var out: [(String, NumpyArray)] = []
        for entry in archive where entry.type == .file {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(entry.uncompressedSize))
            do {
                _ = try archive.extract(entry, skipCRC32: false) { data in bytes.append(contentsOf: data) }
            } catch {
                throw NumpyError(path: path, message: "member \(entry.path) could not be extracted: \(error)")
            }
            var name = entry.path
            if name.hasSuffix(".npy") { name.removeLast(4) }
            do {
                out.append((name, try NPYFormat.read(bytes: bytes, path: "\(path)[\(name)]")))
            } catch let e as NumpyError {
                throw NumpyError(path: path, message: "member \(name): \(e.message)")
            }
        }
        return out
    }
}
