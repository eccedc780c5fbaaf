#!/bin/sh
# scripts/third-party-clients.sh [PYTHON]: build the environments in which
# tests/third_party drives other Postmark clients against the sandbox.
#
#   .third-party/postmarker/         venv with postmarker (PyPI)
#   .third-party/postmark-python/    venv with postmark-python, the official SDK (PyPI)
#   .third-party/node/               npm project with postmark, the official Node library
#
# Each environment is reused when it already holds the pinned version, and is
# built again (saying so) when it does not. Node comes from Debian's packages
# (apt-get install nodejs npm) when it is missing. Prints one line per step and
# the time the whole script took. The folder is git-ignored; delete it to start over.
set -eu
cd "$(dirname "$0")/.."

python=${1:-python3}
root=.third-party
# The versions the tests were written against: bump them together with the
# drivers and the expectation table in tests/third_party/.
POSTMARKER=1.0
POSTMARK_PYTHON=0.4.0
POSTMARK_NODE=5.1.0

say() { printf '==> third-party: %s\n' "$*"; }
die() { printf 'error: third-party: %s\n' "$*" >&2; exit 1; }
start=$(date +%s)
mkdir -p "$root"
log=$root/install.log

# quietly LABEL COMMAND...: run COMMAND with its output in $log, shown only if it fails.
quietly() {
    label=$1
    shift
    "$@" >"$log" 2>&1 || { cat "$log" >&2; die "$label failed (output above)"; }
}

# pyvenv NAME DIST VERSION: a venv at $root/NAME holding DIST==VERSION.
pyvenv() {
    venv=$root/$1
    stamp=$venv/.installed-$2-$3
    if [ -e "$stamp" ] && [ -x "$venv/bin/python" ] && "$venv/bin/python" -c '' 2>/dev/null; then
        say "$2 $3 already in $venv"
        return 0
    fi
    [ -e "$venv" ] && say "removing $venv (not $2 $3, or half-built)"
    rm -rf "$venv"
    say "creating $venv with $python and installing $2==$3"
    "$python" -m venv "$venv" || die "could not create $venv with $python"
    quietly "pip install $2==$3" "$venv/bin/python" -m pip install --disable-pip-version-check "$2==$3"
    touch "$stamp"
}

pyvenv postmarker postmarker "$POSTMARKER"
pyvenv postmark-python postmark-python "$POSTMARK_PYTHON"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        say "installing Debian's nodejs and npm"
        quietly "apt-get update" apt-get update
        quietly "apt-get install nodejs npm" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends nodejs npm
    else
        die "node and npm are missing; install them (Debian: apt-get install nodejs npm)"
    fi
fi

node_dir=$root/node
stamp=$node_dir/.installed-postmark-$POSTMARK_NODE
if [ -e "$stamp" ] && [ -e "$node_dir/node_modules/postmark/package.json" ]; then
    say "postmark $POSTMARK_NODE (npm) already in $node_dir"
else
    [ -e "$node_dir" ] && say "removing $node_dir (not postmark $POSTMARK_NODE, or half-built)"
    rm -rf "$node_dir"
    mkdir -p "$node_dir"
    say "installing postmark@$POSTMARK_NODE (npm) into $node_dir with node $(node --version)"
    printf '{"name": "third-party-postmark", "private": true}\n' >"$node_dir/package.json"
    quietly "npm install postmark@$POSTMARK_NODE" \
        npm install --prefix "$node_dir" --no-audit --no-fund "postmark@$POSTMARK_NODE"
    touch "$stamp"
fi

rm -f "$log"
say "ready in $(($(date +%s) - start)) s: postmarker $POSTMARKER, postmark-python $POSTMARK_PYTHON, npm postmark $POSTMARK_NODE (node $(node --version)) in $root"
