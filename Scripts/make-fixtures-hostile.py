#!/usr/bin/env python3
"""Hostile .npz archives for Fathom's loader tests, written to
Tests/FathomCoreTests/Fixtures/hostile/. Each is a zip built byte by byte (so that sizes,
offsets and headers can lie), with members that are valid .npy files unless said otherwise.
Python's zipfile (standard library) reads back the valid ones as a check.

* zip64.npz: a valid archive in zip64 form (zip64 extra fields in the local and central
  headers, a zip64 end-of-archive record and locator), one deflated member.
* header-bomb.npz: a deflated member whose .npy header declares 10 values but which
  inflates to 50 MiB (its directory entry tells the truth): must stop after the header's
  88 bytes + header.
* lying-bomb.npz: the same data, but the local header and the directory both declare the
  member's size as 208 bytes: must stop at 208.
* declares-huge.npz: a member whose directory entry and local header declare 3.2 GB
  uncompressed (the data is small): refused before inflating.
* local-name.npz, local-size.npz, local-method.npz, local-crc.npz: the local header
  disagrees with the central directory (name, compressed size, method, CRC).
* overlap.npz: a stored member whose data holds a second member's local header and data,
  both listed in the directory (an "overlapping files" zip bomb).
* truncated-deflate.npz: a deflated member cut short (its stream never ends).
* bad-crc.npz: a stored member whose CRC does not match.
* encrypted.npz, bzip2.npz: flag 1 set; compression method 12.
* duplicate.npz: two members with the same name.
* outside.npz: the central directory points past the end of the file.
* many-entries.npz: the end record claims 65 535 members in a 46-byte directory.
* no-eocd.npz: a file with a zip's first bytes and no end record.

Run from the repository root (standard library only):
    python3 Scripts/make-fixtures-hostile.py
Deterministic: running it twice gives identical bytes.
"""
import io
import pathlib
import struct
import zipfile
import zlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/FathomCoreTests/Fixtures/hostile"


def npy(shape, descr="<f8", data=b""):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def member(name, data, method=8, *, flags=0, usize=None, csize=None, crc=None, payload=None):
    """A member's fields: payload is the bytes stored in the archive."""
    if payload is None:
        payload = deflate(data) if method == 8 else data
    return {
        "name": name.encode(), "method": method, "flags": flags,
        "crc": zlib.crc32(data) if crc is None else crc,
        "usize": len(data) if usize is None else usize,
        "csize": len(payload) if csize is None else csize,
        "payload": payload,
    }


def local_header(m, zip64=False, **override):
    f = dict(m, **override)
    if zip64:
        extra = struct.pack("<HHQQ", 1, 16, f["usize"], f["csize"])
        return struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, f["flags"], f["method"], 0, 0x21, f["crc"],
                           0xFFFFFFFF, 0xFFFFFFFF, len(f["name"]), len(extra)) + f["name"] + extra
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, f["flags"], f["method"], 0, 0x21, f["crc"],
                       f["csize"], f["usize"], len(f["name"]), 0) + f["name"]


def central_header(m, offset, zip64=False):
    if zip64:
        extra = struct.pack("<HHQQQ", 1, 24, m["usize"], m["csize"], offset)
        return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, m["flags"], m["method"], 0, 0x21, m["crc"],
                           0xFFFFFFFF, 0xFFFFFFFF, len(m["name"]), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + m["name"] + extra
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, m["flags"], m["method"], 0, 0x21, m["crc"],
                       m["csize"], m["usize"], len(m["name"]), 0, 0, 0, 0, 0, offset) + m["name"]


def archive(members, *, zip64=False, local_override=None, entries=None, directory_offset=None):
    """Local headers and data in order, the central directory, the end record(s)."""
    out = bytearray()
    offsets = []
    for i, m in enumerate(members):
        offsets.append(len(out))
        override = (local_override or {}).get(i, {})
        out += local_header(m, zip64, **override) + m["payload"]
    start = len(out)
    for m, off in zip(members, offsets):
        out += central_header(m, off, zip64)
    size = len(out) - start
    n = len(members) if entries is None else entries
    cd = start if directory_offset is None else directory_offset
    if zip64:
        record = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, size, cd)
        out += struct.pack("<IIQI", 0x07064B50, 0, record, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, size, cd, 0)
    return bytes(out)


def write(name, data, valid=False):
    (OUT / name).write_bytes(data)
    if valid:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.testzip() is None, name


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    ten = npy("(10,)", data=struct.pack("<10d", *range(10)))
    write("zip64.npz", archive([member("x.npy", ten)], zip64=True), valid=True)

    bomb = ten + bytes(50 << 20)
    write("header-bomb.npz", archive([member("a.npy", bomb)]), valid=True)
    write("lying-bomb.npz", archive([member("a.npy", bomb, usize=len(ten))]))
    write("declares-huge.npz", archive([member("a.npy", ten, usize=3_200_000_128)]))

    m = member("a.npy", ten)
    write("local-name.npz", archive([m], local_override={0: {"name": b"b.npy"}}))
    write("local-size.npz", archive([m], local_override={0: {"csize": m["csize"] + 1}}))
    write("local-method.npz", archive([member("a.npy", ten, method=0)], local_override={0: {"method": 8}}))
    write("local-crc.npz", archive([m], local_override={0: {"crc": m["crc"] ^ 1}}))

    # b's local header and data, carried inside a's stored data; the directory lists both.
    b = member("b.npy", ten, method=0)
    inner = local_header(b) + b["payload"]
    a = member("a.npy", inner, method=0)
    a_header = local_header(a)
    body = a_header + a["payload"]
    directory = central_header(a, 0) + central_header(b, len(a_header))
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(directory), len(body), 0)
    write("overlap.npz", body + directory + end)

    full = deflate(ten)
    write("truncated-deflate.npz", archive([member("a.npy", ten, payload=full[: len(full) // 2])]))
    write("bad-crc.npz", archive([member("a.npy", ten, method=0, crc=zlib.crc32(ten) ^ 0xFF)]))
    write("encrypted.npz", archive([member("a.npy", ten, flags=1)]))
    write("bzip2.npz", archive([member("a.npy", ten, method=12, payload=ten)]))
    write("duplicate.npz", archive([member("a.npy", ten), member("a.npy", ten)]))
    write("outside.npz", archive([m], directory_offset=1 << 30))
    write("many-entries.npz", archive([m], entries=0xFFFE))
    write("no-eocd.npz", archive([m])[:-22])


if __name__ == "__main__":
    main()
