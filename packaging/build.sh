#!/usr/bin/env bash
# Build the one-folder JMG Desktop bundle (Linux; macOS uses the same script) from a checkout.
#
#   packaging/build.sh [--no-tarball]
#
# Makes (or reuses) a build environment under build/bundle/venv with the application's
# dependencies and the pinned PyInstaller (packaging/requirements-build.txt), freezes
# packaging/jmg-desktop.spec into build/bundle/dist/jmg-desktop/, and on Linux packs it with the
# desktop files and install.sh into build/bundle/jmg-desktop-VERSION-linux-ARCH.tar.gz.
#
# Environment: PYTHON (default python3; 3.11 or newer, built with --enable-shared),
# JMG_BUNDLE_BUILD_DIR (default build/bundle), JMG_BUNDLE_NICE (default 10: the build shares
# the machine). The build environment is made again only when pyproject.toml or the build
# requirements change; PyInstaller's work folder is reused between builds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${JMG_BUNDLE_BUILD_DIR:-$ROOT/build/bundle}"
PYTHON="${PYTHON:-python3}"
NICE="${JMG_BUNDLE_NICE:-10}"
TARBALL=1
for arg in "$@"; do
    case "$arg" in
        --no-tarball) TARBALL=0 ;;
        -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
    esac
done

VENV="$BUILD/venv"
STAMP="$VENV/.jmg-build-stamp"
want_stamp="$(cat "$ROOT/pyproject.toml" "$ROOT/packaging/requirements-build.txt" | sha256sum | cut -d' ' -f1)"
mkdir -p "$BUILD"
started=$(date +%s)

if [[ ! -x "$VENV/bin/python" || "$(cat "$STAMP" 2>/dev/null)" != "$want_stamp" ]]; then
    echo "== build environment ($VENV)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    export PIP_DISABLE_PIP_VERSION_CHECK=1
    nice -n "$NICE" "$VENV/bin/python" -m pip install --quiet "$ROOT" -r "$ROOT/packaging/requirements-build.txt"
    # The project was installed only to bring its dependencies: the checkout itself is frozen
    # (the spec puts it first on the path), so no stale installed copy can be picked up instead.
    "$VENV/bin/python" -m pip uninstall --quiet --yes jmg-desktop
    echo "$want_stamp" >"$STAMP"
fi

echo "== pyinstaller"
nice -n "$NICE" "$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$BUILD/dist" --workpath "$BUILD/work" "$ROOT/packaging/jmg-desktop.spec"

BUNDLE="$BUILD/dist/jmg-desktop"
"$BUNDLE/jmg-desktop" --version >/dev/null  # fails the build if the bundle cannot even start

if [[ "$TARBALL" == 1 && "$(uname -s)" == Linux ]]; then
    echo "== tarball"
    "$ROOT/packaging/linux/make-tarball.sh" "$BUNDLE" "$BUILD"
fi
echo "== built $BUNDLE in $(($(date +%s) - started)) s"
