"""Executes notebooks with nbclient against the installed Fathom kernel and prints, per
notebook, one JSON line: its name, the seconds it took, and how many outputs of each kind and
error outputs it got. Run by Tests/FathomShellTests/JupyterKernelTests.swift."""
import json
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    started = time.monotonic()
    failure = None
    try:
        NotebookClient(nb, kernel_name="fathom", timeout=300, allow_errors=False).execute()
    except CellExecutionError as e:
        failure = str(e)[:2000]
    counts = {"errors": 0, "image/png": 0, "image/svg+xml": 0, "text/html": 0, "stream": 0, "code_cells": 0}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        counts["code_cells"] += 1
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                counts["errors"] += 1
            elif out["output_type"] == "stream":
                counts["stream"] += 1
            else:
                for mime in ("image/png", "image/svg+xml", "text/html"):
                    if mime in out.get("data", {}):
                        counts[mime] += 1
    print(json.dumps({"notebook": path, "seconds": round(time.monotonic() - started, 2), "failure": failure, **counts}), flush=True)
