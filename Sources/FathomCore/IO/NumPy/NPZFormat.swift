/// NumPy's `.npz`: a zip archive (stored or deflated, zip64 as numpy writes it) of `.npy`
/// members, read by ``ZipArchive``.
public enum NPZFormat {
    /// The arrays of the archive in archive order, named without the `.npy` suffix. All
    /// members together may hold at most `limit` values: each member's declared size is
    /// checked before it is inflated, and it is inflated no further than its own header allows.
    public static func read(path: String, limit: Int = InputSize.defaultLimit) throws -> [(String, NumpyArray)] {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch let e as FileError {
            throw NumpyError(path: path, message: e.reason)
        }
        guard file.count > 0 else { throw NumpyError(path: path, message: "the file is empty") }
        let archive: ZipArchive
        do { archive = try ZipArchive(file) } catch {
            throw NumpyError(path: path, message: "not a readable .npz (zip) archive: \(error.message)")
        }
        var out: [(String, NumpyArray)] = []
        var used = 0
        for member in archive.members {
            var name = member.name
            if name.hasSuffix(".npy") { name.removeLast(4) }
            let remaining = limit - used
            do {
                let array: NumpyArray
                if member.method == 0 {
                    let p = file.base + member.dataOffset
                    guard ZipArchive.crc32(0, p, member.uncompressedSize) == member.crc else {
                        throw ZipArchive.Failure("member \(member.name) is damaged: its CRC-32 does not match")
                    }
                    guard member.uncompressedSize > 0 else { throw NumpyError(path: path, message: "it is empty") }
                    array = try NPYFormat.read(p, member.uncompressedSize, path: path, limit: remaining)
                } else {
                    let bytes = try archive.inflate(member) { sofar in
                        try allowedBytes(member, sofar, path: path, limit: remaining)
                    }
                    array = try NPYFormat.read(bytes: bytes, path: path, limit: remaining)
                }
                used += array.values.count
                out.append((name, array))
            } catch let e as NumpyError {
                throw NumpyError(path: path, message: "member \(member.name): \(e.message)")
            } catch let e as ZipArchive.Failure {
                throw NumpyError(path: path, message: e.message)
            }
        }
        return out
    }

    /// The most bytes a deflated member may inflate to, given the first bytes of it: its declared
    /// size, checked against the element limit before anything is inflated; then, once its
    /// `.npy` header has arrived, exactly what that header declares.
    static func allowedBytes(_ m: ZipArchive.Member, _ sofar: [UInt8], path: String, limit: Int) throws -> Int {
        let headerRoom = 12 + NPYFormat.maximumHeaderLength
        if sofar.isEmpty {
            let (most, overflow) = limit.multipliedReportingOverflow(by: 8)
            if overflow || m.uncompressedSize - headerRoom > most {
                throw NumpyError(path: path, message: "too large: it declares \(m.uncompressedSize) bytes uncompressed, more than \(limit) values can take (the element limit)")
            }
            return m.uncompressedSize
        }
        guard sofar.count >= 12 else { return m.uncompressedSize }
        let header: NPYFormat.Header
        do {
            header = try sofar.withUnsafeBufferPointer { try NPYFormat.header($0.baseAddress!, $0.count, path: path) }
        } catch let e as NumpyError where e.message.hasPrefix("truncated header") && sofar.count < headerRoom {
            return m.uncompressedSize
        }
        let count = try NPYFormat.checkedCount(header, available: m.uncompressedSize - header.dataOffset, path: path, limit: limit)
        return header.dataOffset + count * NPYFormat.itemSizes[header.descr]!
    }
}
