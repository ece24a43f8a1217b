# Installs the Debian packages Fathom needs when they are missing.
# Sourced by Scripts/test and Scripts/fathom. Uses sudo when not root.
# fathom_ensure_test_packages adds what only the tests need (Scripts/test).
fathom_ensure_system_packages() {
    local missing=()
    pkg-config --exists libedit 2>/dev/null || missing+=(libedit-dev)
    pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)
    # ZeroMQ carries the Jupyter kernel's messages (fathom kernel).
    pkg-config --exists libzmq 2>/dev/null || missing+=(libzmq3-dev)
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
    command -v gnuplot >/dev/null 2>&1 || missing+=(gnuplot-nox)
    fathom_apt_install "${missing[@]}"
}

# DuckDB's command-line program (sql() and Parquet), pinned, from PyPI's duckdb-cli into a
# virtual environment of the checkout's own, .venv-tools; exported as FATHOM_DUCKDB, which the
# binary uses before PATH. Neither Debian nor PyPI has DuckDB's C library here.
fathom_ensure_duckdb() {
    local root="$1"
    local venv="$root/.venv-tools" version="1.5.6"
    if [ ! -x "$venv/bin/duckdb" ] || [ "$("$venv/bin/duckdb" -version 2>/dev/null | cut -d' ' -f1)" != "v$version" ]; then
        echo "fathom: installing DuckDB's command-line program (duckdb-cli $version) into $venv" >&2
        if [ ! -x "$venv/bin/python" ] && ! python3 -m venv "$venv" >&2; then
            fathom_apt_install python3-venv
            python3 -m venv "$venv" >&2
        fi
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "duckdb-cli==$version" >&2
    fi
    export FATHOM_DUCKDB="$venv/bin/duckdb"
}

# What only the tests need: Chromium, which loads HTML reports to check that no script runs
# (ReportBrowserTests), and Java 17, which runs PySpark (SQLPushdownTests). Used by Scripts/test,
# not by Scripts/fathom.
fathom_ensure_test_packages() {
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || fathom_apt_install chromium
    command -v java >/dev/null 2>&1 || fathom_apt_install openjdk-17-jre-headless
}

# Installs the given Debian packages (none: nothing to do), with sudo when not root.
fathom_apt_install() {
    local missing=("$@")
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
            echo "fathom: missing system packages: ${missing[*]}; install them with apt-get as root" >&2
            return 1
        fi
    fi
    echo "fathom: installing ${missing[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >&2 || true
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
