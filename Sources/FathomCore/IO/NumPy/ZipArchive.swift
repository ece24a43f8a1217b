import CFathomZlib

/// The zip archives `.npz` files are (PKWARE APPNOTE 6.3): the end-of-archive record (and its
/// zip64 form), the central directory, and each member's local header, read with every offset
/// and size checked against the file before it is used. Members are stored or deflated
/// (inflated by zlib, never past the size they declare). Anything inconsistent — a member
/// outside the file, members that overlap, a local header that disagrees with the directory,
/// a size that does not fit — is refused with a reason.
struct ZipArchive {
    struct Member {
        var name: String
        var method: Int
        var crc: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        /// Where the member's (compressed) data starts in the file.
        var dataOffset: Int
        var localOffset: Int
    }

    /// Why an archive or member cannot be read.
    struct Failure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    let file: MappedFile
    private(set) var members: [Member] = []

    private func need(_ offset: Int, _ count: Int, _ what: String) throws(Failure) {
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard offset >= 0, !overflow, end <= file.count else {
            throw Failure("\(what) lies outside the file (at byte \(offset), the file has \(file.count))")
        }
    }

    private func u16(_ at: Int) -> Int { Int(file.base[at]) | Int(file.base[at + 1]) << 8 }
    private func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
    private func u64(_ at: Int, _ what: String) throws(Failure) -> Int {
        let v = UInt64(u32(at)) | UInt64(u32(at + 4)) << 32
        guard v <= UInt64(Int.max) else { throw Failure("\(what) \(v) does not fit in a 64-bit integer") }
        return Int(v)
    }

    init(_ file: MappedFile) throws(Failure) {
        self.file = file
        // The end-of-archive record: the last one whose comment ends inside the file.
        guard file.count >= 22 else { throw Failure("it is \(file.count) bytes long, shorter than the smallest zip archive") }
        var eocd = -1
        var at = file.count - 22
        let lowest = max(0, file.count - 22 - 0xFFFF)
        while at >= lowest {
            if file.base[at] == 0x50, file.base[at + 1] == 0x4B, file.base[at + 2] == 5, file.base[at + 3] == 6, at + 22 + u16(at + 20) <= file.count {
                eocd = at
                break
            }
            at -= 1
        }
        guard eocd >= 0 else { throw Failure("no end-of-archive record") }
        var entries = u16(eocd + 10)
        var directorySize = u32(eocd + 12)
        var directoryOffset = u32(eocd + 16)
        var directoryEnd = eocd
        if u16(eocd + 4) != 0 && u16(eocd + 4) != 0xFFFF || u16(eocd + 6) != 0 && u16(eocd + 6) != 0xFFFF {
            throw Failure("the archive spans several disks")
        }
        // The zip64 record, located by the 20 bytes before the end record.
        if eocd >= 20, u32(eocd - 20) == 0x0706_4B50 {
            let record = try u64(eocd - 12, "the zip64 record's offset")
            try need(record, 56, "the zip64 end-of-archive record")
            guard u32(record) == 0x0606_4B50 else { throw Failure("the zip64 end-of-archive record is missing where the archive says it is") }
            guard record < eocd - 20 else { throw Failure("the zip64 end-of-archive record overlaps the end of the archive") }
            entries = try u64(record + 32, "the number of members")
            directorySize = try u64(record + 40, "the central directory's size")
            directoryOffset = try u64(record + 48, "the central directory's offset")
            directoryEnd = record
        } else if entries == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw Failure("the archive needs a zip64 record and has none")
        }
        let (end, overflow) = directoryOffset.addingReportingOverflow(directorySize)
        guard !overflow, end <= directoryEnd else {
            throw Failure("the central directory (\(directorySize) bytes at byte \(directoryOffset)) does not end before the end-of-archive record at byte \(directoryEnd)")
        }
        guard entries <= directorySize / 46 else {
            throw Failure("the archive claims \(entries) members, more than its \(directorySize)-byte central directory can describe")
        }
        var p = directoryOffset
        var names = Set<String>()
        for k in 0..<entries {
            try need(p, 46, "central directory entry \(k)")
            guard p + 46 <= end, u32(p) == 0x0201_4B50 else { throw Failure("central directory entry \(k) is damaged (no signature at byte \(p))") }
            let flags = u16(p + 8), method = u16(p + 10), nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
            let crc = UInt32(u32(p + 16))
            var compressed = u32(p + 20), uncompressed = u32(p + 24), local = u32(p + 42)
            guard p + 46 + nameLength + extraLength + commentLength <= end else { throw Failure("central directory entry \(k) runs past the directory's end") }
            let nameBytes = Array(UnsafeBufferPointer(start: file.base + p + 46, count: nameLength))
            let name = String(decoding: nameBytes, as: UTF8.self)
            // The zip64 extra field holds, in order, whichever of the sizes and the offset
            // are 0xFFFFFFFF above.
            let wide = try zip64Fields(at: p + 46 + nameLength, length: extraLength, count: [uncompressed, compressed, local].filter { $0 == 0xFFFF_FFFF }.count, member: name)
            var w = 0
            if uncompressed == 0xFFFF_FFFF { uncompressed = wide[w]; w += 1 }
            if compressed == 0xFFFF_FFFF { compressed = wide[w]; w += 1 }
            if local == 0xFFFF_FFFF { local = wide[w]; w += 1 }
            p += 46 + nameLength + extraLength + commentLength
            if name.hasSuffix("/") && uncompressed == 0 { continue }
            guard flags & 1 == 0 else { throw Failure("member \(name) is encrypted") }
            guard method == 0 || method == 8 else {
                throw Failure("member \(name) uses compression method \(method); Fathom reads stored and deflated members, as numpy writes them")
            }
            guard names.insert(name).inserted else { throw Failure("two members are called \(name)") }
            let member = try localHeader(local, name: name, nameBytes: nameBytes, flags: flags, method: method, crc: crc, compressed: compressed, uncompressed: uncompressed, directoryOffset: directoryOffset)
            members.append(member)
        }
        // Members may not share bytes (overlapping members multiply what a small file inflates to).
        let ordered = members.sorted { $0.localOffset < $1.localOffset }
        for (a, b) in zip(ordered, ordered.dropFirst()) where a.dataOffset + a.compressedSize > b.localOffset {
            throw Failure("members \(a.name) and \(b.name) overlap in the file")
        }
    }

    /// The 64-bit values of a zip64 extra field among the `length` bytes of extra fields at
    /// `at` (at least `count` of them when `count` > 0).
    private func zip64Fields(at: Int, length: Int, count: Int, member: String) throws(Failure) -> [Int] {
        guard count > 0 else { return [] }
        var q = at
        while q + 4 <= at + length {
            let id = u16(q), size = u16(q + 2)
            guard q + 4 + size <= at + length else { break }
            if id == 1 {
                guard size >= 8 * count else { throw Failure("member \(member)'s zip64 field is too short") }
                var out: [Int] = []
                for i in 0..<count { out.append(try u64(q + 4 + 8 * i, "member \(member)'s size")) }
                return out
            }
            q += 4 + size
        }
        throw Failure("member \(member) needs a zip64 field and has none")
    }

    /// The member whose local header is at `offset`, checked against its directory entry.
    private func localHeader(_ offset: Int, name: String, nameBytes: [UInt8], flags: Int, method: Int, crc: UInt32,
                             compressed: Int, uncompressed: Int, directoryOffset: Int) throws(Failure) -> Member {
        try need(offset, 30, "member \(name)'s local header")
        guard u32(offset) == 0x0403_4B50 else { throw Failure("member \(name)'s local header is missing (no signature at byte \(offset))") }
        let nameLength = u16(offset + 26), extraLength = u16(offset + 28)
        try need(offset + 30, nameLength + extraLength, "member \(name)'s local header")
        func disagree(_ what: String, _ there: String, _ here: String) -> Failure {
            Failure("member \(name)'s local header disagrees with the central directory: its \(what) is \(there) there, \(here) here")
        }
        guard Array(UnsafeBufferPointer(start: file.base + offset + 30, count: nameLength)) == nameBytes else {
            throw disagree("name", name, String(decoding: UnsafeBufferPointer(start: file.base + offset + 30, count: nameLength), as: UTF8.self))
        }
        guard u16(offset + 8) == method else { throw disagree("compression method", "\(method)", "\(u16(offset + 8))") }
        // Without a data descriptor (flag 8) the local header repeats the CRC and sizes.
        if flags & 8 == 0 {
            var localCompressed = u32(offset + 18), localUncompressed = u32(offset + 22)
            if localCompressed == 0xFFFF_FFFF || localUncompressed == 0xFFFF_FFFF {
                let wide = try zip64Fields(at: offset + 30 + nameLength, length: extraLength, count: 2, member: name)
                localUncompressed = wide[0]
                localCompressed = wide[1]
            }
            guard UInt32(u32(offset + 14)) == crc else { throw disagree("CRC", "\(crc)", "\(u32(offset + 14))") }
            guard localCompressed == compressed else { throw disagree("compressed size", "\(compressed)", "\(localCompressed)") }
            guard localUncompressed == uncompressed else { throw disagree("size", "\(uncompressed)", "\(localUncompressed)") }
        }
        let data = offset + 30 + nameLength + extraLength
        let (end, overflow) = data.addingReportingOverflow(compressed)
        guard !overflow, end <= directoryOffset else {
            throw Failure("member \(name)'s \(compressed) bytes of data run past the start of the central directory")
        }
        if method == 0, compressed != uncompressed {
            throw Failure("member \(name) is stored uncompressed but its sizes differ (\(compressed) and \(uncompressed) bytes)")
        }
        return Member(name: name, method: method, crc: crc, compressedSize: compressed, uncompressedSize: uncompressed, dataOffset: data, localOffset: offset)
    }

    /// The CRC-32 of `count` bytes, continuing from `crc`.
    static func crc32(_ crc: UInt32, _ p: UnsafePointer<UInt8>, _ count: Int) -> UInt32 {
        var c = UInt(crc), at = 0
        while at < count {
            let n = min(count - at, 1 << 30)
            c = CFathomZlib.crc32(c, p + at, UInt32(n))
            at += n
        }
        return UInt32(truncatingIfNeeded: c)
    }

    /// A deflated member's bytes, inflated no further than `limit(bytesSoFar)` allows: the
    /// closure sees the output as it grows and returns the most bytes the member may have
    /// (its declared size at first, what its own header allows once that is known).
    func inflate(_ m: Member, limit: ([UInt8]) throws -> Int) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure("zlib could not start inflating member \(m.name)")
        }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var cap = try limit(out)
        // A first guess only: deflate shrinks data at most 1032-fold.
        out.reserveCapacity(min(cap, m.compressedSize &* 1032 &+ 1024, 64 << 20))
        var inputAt = m.dataOffset, inputLeft = m.compressedSize
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var crc: UInt32 = 0
        while true {
            try Interruption.check()
            if stream.avail_in == 0, inputLeft > 0 {
                let n = min(inputLeft, 1 << 30)
                stream.next_in = UnsafeMutablePointer(mutating: file.base + inputAt)
                stream.avail_in = UInt32(n)
                inputAt += n
                inputLeft -= n
            }
            let status = chunk.withUnsafeMutableBufferPointer { b -> Int32 in
                stream.next_out = b.baseAddress
                stream.avail_out = UInt32(b.count)
                return CFathomZlib.inflate(&stream, Z_NO_FLUSH)
            }
            let produced = chunk.count - Int(stream.avail_out)
            if produced > 0 {
                guard out.count + produced <= cap else {
                    throw Failure("member \(m.name) inflates to more than the \(cap) bytes its directory entry and .npy header declare")
                }
                out.append(contentsOf: chunk[0..<produced])
                crc = chunk.withUnsafeBufferPointer { ZipArchive.crc32(crc, $0.baseAddress!, produced) }
                cap = min(cap, try limit(out))
            }
            if status == Z_STREAM_END { break }
            if status == Z_BUF_ERROR || (status == Z_OK && produced == 0 && stream.avail_in == 0 && inputLeft == 0) {
                throw Failure("member \(m.name)'s compressed data ends early (after \(out.count) bytes of \(m.uncompressedSize))")
            }
            guard status == Z_OK else {
                let why = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw Failure("member \(m.name)'s compressed data is damaged (\(why))")
            }
        }
        guard out.count == m.uncompressedSize else {
            throw Failure("member \(m.name) inflates to \(out.count) bytes, the directory says \(m.uncompressedSize)")
        }
        guard crc == m.crc else { throw Failure("member \(m.name) is damaged: its CRC-32 does not match") }
        return out
    }
}
