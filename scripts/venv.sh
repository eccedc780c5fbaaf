#!/bin/sh
# scripts/venv.sh PYTHON VENV LEVEL: make VENV usable, installing what LEVEL needs.
#
#   LEVEL base  the package itself (its one dependency: requests) - for `make demo`
#   LEVEL dev   the package with its dev extra (pytest, mypy, ruff, Sphinx, Django,
#               Tornado ...) - for `make test`, `make lint`, `make docs`
#
# A VENV that cannot work (no python in it, built by Python < 3.10, or whose
# creation was interrupted) is removed and built again, saying why. Each step
# prints one line, so a slow install is never silent.
set -eu

python=$1
venv=$2
level=$3

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
suitable() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; }

# Why an existing VENV cannot be used, or nothing when it can.
unusable() {
    if [ ! -x "$venv/bin/python" ]; then
        echo "it has no bin/python (a half-built environment)"
    elif ! found=$(version_of "$venv/bin/python"); then
        echo "its bin/python does not run (the Python that built it has gone?)"
    elif ! suitable "$venv/bin/python"; then
        echo "it was built by Python $found, and python-postmark needs 3.10+"
    elif [ ! -e "$venv/.created" ]; then
        echo "its creation did not finish"
    fi
}

if [ -e "$venv" ]; then
    reason=$(unusable)
    if [ -n "$reason" ]; then
        say "removing $venv: $reason; building it again"
        rm -rf "$venv"
    fi
fi

if [ ! -e "$venv" ]; then
    command -v "$python" >/dev/null 2>&1 ||
        die "$python not found; install Python 3.10+ or name one: make PYTHON=/path/to/python3"
    if ! suitable "$python"; then
        die "$python is Python $(version_of "$python" || echo '?'); python-postmark needs 3.10+: make PYTHON=python3.12 (for example)"
    fi
    say "creating $venv with $python (Python $(version_of "$python"))"
    # Without pip: copying pip into the environment (ensurepip) takes longer
    # than the demo; pip is added below only when the system's cannot serve.
    "$python" -m venv --without-pip "$venv" || {
        rm -rf "$venv"
        die "could not create $venv with $python (on Debian/Ubuntu: apt install python3-venv)"
    }
    touch "$venv/.created"
fi

# pip for VENV: its own if it has one; else the system's (pip 22.3+ installs
# into another environment with --python); else bootstrap one into VENV.
pip_command() {
    if "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
        echo "$venv/bin/python -m pip"
    elif [ "$level" = base ] && "$python" -m pip --python "$venv/bin/python" --version >/dev/null 2>&1; then
        echo "$python -m pip --python $venv/bin/python"
    else
        say "adding pip to $venv" >&2
        "$venv/bin/python" -m ensurepip --default-pip >/dev/null || die "could not add pip to $venv"
        echo "$venv/bin/python -m pip"
    fi
}

stamp="$venv/.installed-$level"
if [ -e "$stamp" ] && [ "$stamp" -nt setup.py ] && [ "$stamp" -nt pyproject.toml ]; then
    exit 0  # already installed, and the packaging has not changed since
fi
case $level in
    base) spec=. what="the package and requests" ;;
    dev) spec=.[dev] what="the package with its dev extra (test, lint and docs tools; a minute or two)" ;;
    *) die "unknown level $level (base or dev)" ;;
esac
say "installing $what into $venv"
pip=$(pip_command)
# shellcheck disable=SC2086 (pip is a command line: split on purpose)
$pip install --disable-pip-version-check --quiet -e "$spec"
touch "$stamp"
if [ "$level" = dev ]; then touch "$venv/.installed-base"; fi  # dev includes base
