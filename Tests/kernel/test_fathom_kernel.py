"""The Jupyter project's kernel test suite (jupyter_kernel_test) run against Fathom's kernel.

Run by Tests/FathomShellTests/JupyterKernelTests.swift with JUPYTER_PATH pointing at a kernel
spec installed by `fathom kernel install --prefix`. Every sample the suite knows is filled but
clear_output: Fathom has no way to clear a cell's output, so that test is removed (not skipped).
"""
import unittest

import jupyter_kernel_test


class FathomKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "fathom"
    language_name = "fathom"
    file_extension = ".fathom"

    code_hello_world = 'print("hello, world")'

    # A failed check is named on stderr, as `fathom run` names it at the end of a script.
    code_stderr = 'check("one is negative", 1 < 0)'

    completion_samples = [
        {"text": "nro", "matches": {"nrow"}},
        {"text": "softm", "matches": {"softmax"}},
        {"text": "x = mea", "matches": {"mean", "mean_excess"}},
        {"text": ":he", "matches": {":help"}},
    ]

    complete_code_samples = ["1 + 2", "x = [1, 2, 3]", "mean([1, 2])", ":vars", "?mean", "f = {a: 1,\n     b: 2}"]
    incomplete_code_samples = ["mean(", "1 +", "x = [1,\n     2,", "{a: 1,"]
    invalid_code_samples = [")", "x = = 3", "mean(1))", "1 2"]

    code_generate_error = "no_such_name + 1"

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "mean([1, 2, 3, 4])", "result": "2.5"},
        {"code": "[1, 2] * 3", "result": "[3, 6]"},
        {"code": 'head(load("Datasets/digits/test.csv"), 2)', "mime": "text/html"},
    ]
    code_history_pattern = "mean(*"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {"code": "plot(seq(10) ^ 2)", "mime": "image/png"},
        {"code": "plot(seq(10) ^ 2)", "mime": "image/svg+xml"},
    ]

    code_inspect_sample = "mean"

    code_page_something = "?mean"

    # Fathom has no clear_output: removed, so that nothing is reported as skipped.
    test_clear_output = None


if __name__ == "__main__":
    unittest.main()
