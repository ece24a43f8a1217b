# Python tools that only the tests use (the Jupyter project's kernel test suite, nbclient,
# PySpark, …) live in a virtual environment of the checkout's own, .venv-test, made and kept
# in step with Scripts/requirements-test.txt by Scripts/test. Tests find its interpreter in
# FATHOM_TEST_PYTHON; a test that needs it and finds it unset fails and says to run Scripts/test.
fathom_ensure_test_venv() {
    local root="$1"
    local venv="$root/.venv-test" req="$root/Scripts/requirements-test.txt"
    if [ ! -x "$venv/bin/python" ]; then
        echo "fathom: making the test virtual environment $venv" >&2
        if ! python3 -m venv "$venv" >&2; then
            fathom_apt_install python3-venv
            python3 -m venv "$venv" >&2
        fi
    fi
    # Install only when the requirements changed since the last install.
    if ! cmp -s "$req" "$venv/.requirements-installed"; then
        echo "fathom: installing the tests' Python tools (Scripts/requirements-test.txt)" >&2
        "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2
        cp "$req" "$venv/.requirements-installed"
    fi
    export FATHOM_TEST_PYTHON="$venv/bin/python"
}
