#!/usr/bin/env bash
# Pack a built bundle with the Linux desktop files and install.sh:
#   make-tarball.sh BUNDLE_DIR OUT_DIR   ->   OUT_DIR/jmg-desktop-VERSION-linux-ARCH.tar.gz
# Called by packaging/build.sh. The tarball unpacks to one folder; its install.sh installs for the
# current user (default) or the whole machine.
set -euo pipefail

BUNDLE="$(cd "$1" && pwd)"
OUT="$(mkdir -p "$2" && cd "$2" && pwd)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/jmg_desktop/__init__.py")"
NAME="jmg-desktop-$VERSION-linux-$(uname -m)"
STAGE="$OUT/stage/$NAME"

rm -rf "$OUT/stage"
mkdir -p "$STAGE/share/applications" "$STAGE/share/mime/packages" "$STAGE/share/icons"
cp -a "$BUNDLE" "$STAGE/jmg-desktop"
cp "$ROOT/resources/jmg-desktop.desktop" "$STAGE/share/applications/"
cp "$ROOT/resources/mime/jmg-desktop.xml" "$STAGE/share/mime/packages/"
cp -a "$ROOT/resources/icons/hicolor" "$STAGE/share/icons/"
cp "$ROOT/packaging/linux/install.sh" "$STAGE/install.sh"
chmod +x "$STAGE/install.sh"
cat >"$STAGE/README.txt" <<TEXT
JMG Desktop $VERSION for Linux ($(uname -m))

Install for yourself:    ./install.sh
Install for everyone:    sudo ./install.sh --system
Remove:                  ./install.sh --uninstall   (or sudo ./install.sh --system --uninstall)

Or run it from here without installing: jmg-desktop/jmg-desktop --demo
The licences of every bundled component are in jmg-desktop/_internal/licenses/.
TEXT
# Reproducible-ish: files sorted, owner and times normalised.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@${SOURCE_DATE_EPOCH:-0}" \
    -C "$OUT/stage" -cf - "$NAME" | gzip -6 -n >"$OUT/$NAME.tar.gz.part"
mv "$OUT/$NAME.tar.gz.part" "$OUT/$NAME.tar.gz"
rm -rf "$OUT/stage"
echo "$OUT/$NAME.tar.gz"
