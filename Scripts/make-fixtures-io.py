#!/usr/bin/env python3
"""NumPy .npy / .npz files for Fathom's loader tests, written to
Tests/FathomCoreTests/Fixtures/io/, with expected.json describing each file.

* Readable .npy files: format versions 1.0, 2.0 and 3.0 (numpy.lib.format.write_array
  with version=(v, 0)); little-endian float64, float32, int64, int32, int8, uint8 and
  bool; C and Fortran order; 1-D and 2-D; empty arrays (shape (0,) and (0, 3)); a 0-d
  scalar (recorded with a note: Fathom may refuse it or read it as a number).
  Version 3.0 exists only to allow UTF-8 field names, which only structured dtypes
  have; the readable 3.0 files are plain arrays written as 3.0, and a structured 3.0
  file with a non-ASCII field name is among the refused files.
* Files Fathom must refuse ("refuse": true, with "why"): big-endian, complex, 3-D,
  structured (plain and UTF-8 field name, v3.0), pickled object array, unicode strings,
  a file truncated in the data, one truncated in the header, a wrong magic string, and
  a header dict that is malformed text. "numpy_reads" says whether numpy itself loads
  the file (allow_pickle=False).
* arrays.npz (np.savez, stored) and arrays-compressed.npz (np.savez_compressed), each
  with logits (2-D float64), labels (1-D int64) and weights (1-D float32). The zip
  entries' timestamps are pinned to 1980-01-01 00:00:00 so the bytes are reproducible.

expected.json: {"numpy": version, "files": [{"file", "shape", "dtype" (the header's
descr), "fortran" (the header's fortran_order), "version", "values" (flat, C / row-major
order, JSON numbers, bools as 0/1; float32 values are the exact float32 values widened
to float64)} or {"file", "refuse": true, "why", "numpy_reads"}], "npz": [{"file",
"compressed", "members": {name: {"shape", "dtype", "fortran", "values"}}}]}.

Run from the repository root (needs only numpy):
    .venv-fixtures/bin/python Scripts/make-fixtures-io.py
Deterministic: running it twice gives identical bytes. It checks every file it writes by
loading it back with numpy.
"""
import io
import json
import pathlib
import struct
import time
import types
import zipfile
from unittest import mock

import numpy as np
from numpy.lib import format as npformat

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FathomCoreTests" / "Fixtures" / "io"

F8_VALUES = [0.1, -2.5, 1 / 3, 1e-300, 0.0, -0.0, 1e300, -1234.5678, 2.0 ** 53,
             6.02214076e23, -1 / 7, 2.2250738585072014e-308]
F4_VALUES = [0.1, -2.5, 1 / 3, 1e-30, 0.0, 3.4028234663852886e38, -1234.5678,
             16777216.0, -1 / 7, 1.401298464324817e-45]  # last: smallest float32 subnormal


def npy_bytes(arr, version):
    buf = io.BytesIO()
    npformat.write_array(buf, arr, version=version, allow_pickle=False)
    return buf.getvalue()


def header_of(data):
    """(version string, descr, fortran_order, shape) read back from .npy bytes."""
    f = io.BytesIO(data)
    major, minor = npformat.read_magic(f)
    if (major, minor) == (1, 0):
        shape, fortran, dtype = npformat.read_array_header_1_0(f)
    else:
        shape, fortran, dtype = npformat.read_array_header_2_0(f)
    return f"{major}.{minor}", dtype.str, bool(fortran), list(shape)


def flat_values(arr):
    flat = np.asarray(arr).ravel(order="C")
    if flat.dtype == np.bool_:
        return [int(v) for v in flat]
    if flat.dtype.kind in "iu":
        return [int(v) for v in flat]
    return [float(v) for v in flat]


def readable_arrays():
    """(file name, array, version, extra) for every file Fathom must read."""
    f8_2d = np.array([[0.1, -2.5, 1 / 3, 1e-300],
                      [4.0, -0.5, 2.25, -1 / 7],
                      [1e10, -3.0, 0.0, 7.5]])
    k = np.arange(50, dtype=np.float64)
    f8_10x5 = (np.sin(k + 1.0) * 10.0 ** (k % 7 - 3)).reshape(10, 5)
    i4_2d = np.array([[1, -2, 3], [-4, 5, -6], [7, -8, 9], [-10, 11, -2147483648]], dtype="<i4")
    f4_2d = np.array([[0.1, -2.5, 1 / 3, 1e-30, 0.0],
                      [1e30, -0.75, 2.0 / 3, -1e-5, 65504.0]], dtype="<f4")
    v1, v2, v3 = (1, 0), (2, 0), (3, 0)
    return [
        ("f8_1d_v1.npy", np.array(F8_VALUES, dtype="<f8"), v1, {}),
        ("f4_1d_v1.npy", np.array(F4_VALUES, dtype="<f4"), v1, {}),
        ("i8_1d_v1.npy", np.array([0, -1, 42, -9007199254740992, 9007199254740992,
                                   123456789012, -987654321098], dtype="<i8"), v1, {}),
        ("i4_1d_v1.npy", np.array([-2147483648, 2147483647, -1, 0, 7, -100000], dtype="<i4"), v1, {}),
        ("i1_1d_v1.npy", np.array([-128, 127, -1, 0, 5, -7], dtype="i1"), v1, {}),
        ("u1_1d_v1.npy", np.array([0, 1, 127, 128, 200, 255], dtype="u1"), v1, {}),
        ("b1_1d_v1.npy", np.array([True, False, False, True, True, False, True]), v1, {}),
        ("f8_2d_c_v1.npy", np.ascontiguousarray(f8_2d), v1, {}),
        ("f8_2d_fortran_v1.npy", np.asfortranarray(f8_2d), v1,
         {"note": "same values as f8_2d_c_v1.npy, stored column-major"}),
        ("f8_2d_10x5_fortran_v1.npy", np.asfortranarray(f8_10x5), v1, {}),
        ("f8_2d_1x5_v1.npy", np.array([[1.5, -2.5, 0.1, 1e-300, -1 / 3]]), v1, {}),
        ("f8_2d_5x1_v1.npy", np.array([[1.5], [-2.5], [0.1], [1e-300], [-1 / 3]]), v1, {}),
        ("i4_2d_fortran_v1.npy", np.asfortranarray(i4_2d), v1, {}),
        ("f4_2d_c_v1.npy", f4_2d, v1, {}),
        ("f4_2d_fortran_v1.npy", np.asfortranarray(f4_2d), v1,
         {"note": "same values as f4_2d_c_v1.npy, stored column-major"}),
        ("u1_2d_c_v1.npy", np.array([[0, 255, 7], [128, 1, 64]], dtype="u1"), v1, {}),
        ("f8_2d_c_v2.npy", np.array([[-1.25, 0.1, 3e-200], [1 / 3, -7.0, 1e15]]), v2, {}),
        ("i8_1d_v2.npy", np.array([-5, 0, 5, 1 << 40, -(1 << 50)], dtype="<i8"), v2, {}),
        ("f8_2d_fortran_v3.npy", np.asfortranarray(np.array([[0.5, -0.1], [2.5, 1e-300], [-1 / 3, 8.0]])), v3,
         {"note": "plain array written as format 3.0 (3.0 differs from 2.0 only by allowing UTF-8 in the header)"}),
        ("f4_1d_v3.npy", np.array([-0.1, 2.5, 1 / 3, -1e10], dtype="<f4"), v3,
         {"note": "plain array written as format 3.0"}),
        ("f8_1d_empty_v1.npy", np.zeros((0,), dtype="<f8"), v1, {}),
        ("f8_2d_empty_0x3_v1.npy", np.zeros((0, 3), dtype="<f8"), v1, {}),
        ("f8_0d_scalar_v1.npy", np.array(2.5), v1,
         {"note": "0-d array (shape ()): Fathom may refuse it or read it as the number 2.5"}),
    ]


def malformed_header_npy():
    """A v1.0 .npy of 3 float64 whose header dict is not a valid Python literal (no closing
    brace, missing comma), correctly framed and padded so only the text is wrong."""
    text = "{'descr': '<f8' 'fortran_order': False, 'shape': (3,), "
    total = 10 + len(text) + 1
    text += " " * ((-total) % 64) + "\n"
    head = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")
    assert len(head) % 64 == 0
    return head + np.array([1.0, 2.0, 3.0], dtype="<f8").tobytes()


def refused_files():
    """(file name, bytes, why) for every file Fathom must refuse."""
    f8_10 = npy_bytes(np.arange(10, dtype="<f8") * 0.5 - 2.0, (1, 0))
    data_start = len(f8_10) - 80
    assert data_start == 128  # the "why" texts below rely on it
    obj = io.BytesIO()
    npformat.write_array(obj, np.array([1, "two", None, 3.5], dtype=object), version=(1, 0), allow_pickle=True)
    structured = np.array([(1, 0.5), (-2, 1.5)], dtype=[("a", "<i4"), ("b", "<f8")])
    structured_utf8 = np.array([(0.25,), (-1.0,)], dtype=[("\u00e9t\u00e9", "<f8")])
    return [
        ("big_endian_f8.npy", npy_bytes(np.array([1.0, -2.5, 0.1], dtype=">f8"), (1, 0)),
         "big-endian dtype '>f8'"),
        ("complex_c16.npy", npy_bytes(np.array([1 + 2j, -0.5j], dtype="<c16"), (1, 0)),
         "complex dtype '<c16'"),
        ("f8_3d.npy", npy_bytes(np.arange(24, dtype="<f8").reshape(2, 3, 4), (1, 0)),
         "3-D array (only 1-D and 2-D are supported)"),
        ("structured.npy", npy_bytes(structured, (1, 0)),
         "structured dtype [('a', '<i4'), ('b', '<f8')]"),
        ("structured_utf8_v3.npy", npy_bytes(structured_utf8, (3, 0)),
         "structured dtype with a non-ASCII (UTF-8) field name, format 3.0"),
        ("object_pickle.npy", obj.getvalue(),
         "object dtype '|O': the data is a Python pickle"),
        ("unicode_U5.npy", npy_bytes(np.array(["abc", "h\u00e9llo", ""], dtype="<U5"), (1, 0)),
         "unicode string dtype '<U5'"),
        ("truncated_data.npy", f8_10[: data_start + 36],
         "valid header for 10 float64 (80 bytes) but only 36 bytes of data follow (cut mid-element)"),
        ("truncated_header.npy", f8_10[:40],
         "file ends inside the header dict (40 bytes of a 128-byte header)"),
        ("bad_magic.npy", b"\x93NUMPX" + f8_10[6:],
         "magic string is '\\x93NUMPX' instead of '\\x93NUMPY'"),
        ("malformed_header.npy", malformed_header_npy(),
         "header dict text is not a valid literal (missing comma and closing brace)"),
    ]


def npz_members():
    logits = np.array([[2.5, -1.0, 0.1], [-0.5, 1 / 3, 4.0], [1e-300, -2.5, 0.0], [7.25, -1 / 7, 3.0]])
    labels = np.array([0, 2, 1, 0], dtype="<i8")
    weights = np.array([0.1, -2.5, 1 / 3], dtype="<f4")
    return {"logits": logits, "labels": labels, "weights": weights}


class _FixedTime(types.ModuleType):
    """Stands in for the time module inside zipfile so entries get a fixed timestamp."""

    def __init__(self):
        super().__init__("time")

    def __getattr__(self, name):
        return getattr(time, name)

    @staticmethod
    def time():
        return 315532800.0  # 1980-01-01T00:00:00Z

    @staticmethod
    def localtime(secs=None):
        return time.struct_time((1980, 1, 1, 0, 0, 0, 1, 1, 0))


def write_npz(path, compressed, members):
    saver = np.savez_compressed if compressed else np.savez
    with mock.patch.object(zipfile, "time", _FixedTime()):
        saver(path, **members)


def check_same(arr, entry):
    """The array numpy reads back matches expected.json exactly (bit for bit for floats)."""
    assert list(arr.shape) == entry["shape"], (entry["file"], arr.shape)
    assert arr.dtype.str == entry["dtype"], (entry["file"], arr.dtype.str)
    flat = arr.ravel(order="C")
    if arr.dtype.kind == "f":
        want = np.array(entry["values"], dtype=np.float64)
        got = flat.astype(np.float64)
        assert got.tobytes() == want.tobytes(), entry["file"]
    else:
        assert [int(v) for v in flat] == entry["values"], entry["file"]


def dump_json(doc):
    """JSON with one file (or npz) entry per line, so diffs stay readable."""
    def block(items):
        return "[\n  " + ",\n  ".join(json.dumps(e, ensure_ascii=False) for e in items) + "\n ]"
    return ("{\n \"numpy\": " + json.dumps(doc["numpy"]) + ",\n \"files\": " + block(doc["files"])
            + ",\n \"npz\": " + block(doc["npz"]) + "\n}\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    files = []
    for name, arr, version, extra in readable_arrays():
        data = npy_bytes(arr, version)
        (OUT / name).write_bytes(data)
        ver, descr, fortran, shape = header_of(data)
        assert ver == f"{version[0]}.{version[1]}"
        entry = {"file": name, "shape": shape, "dtype": descr, "fortran": fortran,
                 "version": ver, "values": flat_values(arr)}
        entry.update(extra)
        files.append(entry)
    for name, data, why in refused_files():
        (OUT / name).write_bytes(data)
        try:
            np.load(OUT / name, allow_pickle=False)
            numpy_reads = True
        except Exception:
            numpy_reads = False
        files.append({"file": name, "refuse": True, "why": why, "numpy_reads": numpy_reads})

    npz = []
    members = npz_members()
    for fname, compressed in (("arrays.npz", False), ("arrays-compressed.npz", True)):
        write_npz(OUT / fname, compressed, members)
        desc = {}
        for key, arr in members.items():
            desc[key] = {"shape": list(arr.shape), "dtype": arr.dtype.str,
                         "fortran": False, "values": flat_values(arr)}
        npz.append({"file": fname, "compressed": compressed,
                    "note": "zip entries are named <member>.npy, format 1.0, zip64 extra fields (numpy always forces zip64)",
                    "members": desc})

    doc = {"numpy": np.__version__, "files": files, "npz": npz}
    (OUT / "expected.json").write_text(dump_json(doc), encoding="utf-8")

    # --- self-check: load everything back with numpy --------------------------------------
    for entry in files:
        if entry.get("refuse"):
            continue
        arr = np.load(OUT / entry["file"], allow_pickle=False)
        check_same(arr, entry)
        assert bool(np.isfortran(arr)) == entry["fortran"] or arr.ndim < 2, entry["file"]
    for z in npz:
        with np.load(OUT / z["file"], allow_pickle=False) as f:
            assert sorted(f.files) == sorted(z["members"]), f.files
            for key, entry in z["members"].items():
                check_same(f[key], dict(entry, file=f"{z['file']}:{key}"))
        with zipfile.ZipFile(OUT / z["file"]) as zf:
            kinds = {i.compress_type for i in zf.infolist()}
            assert kinds == {zipfile.ZIP_DEFLATED if z["compressed"] else zipfile.ZIP_STORED}, kinds
    for name in ("truncated_data.npy", "truncated_header.npy", "bad_magic.npy", "malformed_header.npy",
                 "object_pickle.npy"):
        assert not next(e for e in files if e["file"] == name)["numpy_reads"], name
    n_ok = sum(1 for e in files if not e.get("refuse"))
    print(f"wrote {n_ok} readable + {len(files) - n_ok} refused .npy files, {len(npz)} .npz and "
          f"expected.json to {OUT}; all checked against numpy {np.__version__}")


if __name__ == "__main__":
    main()
