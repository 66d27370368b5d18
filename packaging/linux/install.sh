#!/usr/bin/env bash
# Install JMG Desktop from this unpacked tarball, with its menu entry, icon and .jmg file type.
#
#   ./install.sh                     for the current user: ~/.local (no root needed)
#   sudo ./install.sh --system       for everyone: the program in /opt/jmg-desktop, the menu
#                                    entry, icons and file type under /usr/local/share
#   ./install.sh --prefix DIR        under DIR (DIR/lib/jmg-desktop, DIR/bin, DIR/share)
#   add --uninstall to remove what the same command installed
#
# The program folder is copied beside the old one and then swapped in, so an interrupted
# install leaves the previous version working. Nothing outside the folders above is touched.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODE=user
PREFIX=""
UNINSTALL=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --system) MODE=system ;;
        --user) MODE=user ;;
        --prefix) MODE=prefix; PREFIX="${2:?install.sh: --prefix needs a folder}"; shift ;;
        --uninstall) UNINSTALL=1 ;;
        -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

case "$MODE" in
    user)
        PREFIX="$HOME/.local"
        APPDIR="${XDG_DATA_HOME:-$HOME/.local/share}/jmg-desktop/app"
        SHARE="${XDG_DATA_HOME:-$HOME/.local/share}"
        ;;
    system)
        PREFIX=/usr/local
        APPDIR=/opt/jmg-desktop
        SHARE=/usr/local/share
        ;;
    prefix)
        mkdir -p "$PREFIX"
        PREFIX="$(cd "$PREFIX" && pwd)"
        APPDIR="$PREFIX/lib/jmg-desktop"
        SHARE="$PREFIX/share"
        ;;
esac
BIN="$PREFIX/bin"
MANIFEST="$APPDIR.installed-files"

refresh_caches() {
    # Each tool is optional: without it the desktop picks the files up at its next scan.
    if command -v update-mime-database >/dev/null; then update-mime-database "$SHARE/mime" >/dev/null || true; fi
    if command -v update-desktop-database >/dev/null; then
        update-desktop-database "$SHARE/applications" 2>/dev/null || true
    fi
    if command -v gtk-update-icon-cache >/dev/null && [[ -f "$SHARE/icons/hicolor/index.theme" ]]; then
        gtk-update-icon-cache -q -t -f "$SHARE/icons/hicolor" || true
    fi
}

if [[ "$UNINSTALL" == 1 ]]; then
    if [[ ! -f "$MANIFEST" ]]; then
        echo "install.sh: JMG Desktop is not installed in $APPDIR (no $MANIFEST)." >&2
        exit 1
    fi
    while IFS= read -r file; do
        rm -f -- "$file"
    done <"$MANIFEST"
    rm -rf -- "$APPDIR" "$MANIFEST"
    refresh_caches
    echo "Removed JMG Desktop from $APPDIR."
    exit 0
fi

if [[ ! -x "$HERE/jmg-desktop/jmg-desktop" ]]; then
    echo "install.sh: run me from the unpacked tarball (no jmg-desktop/jmg-desktop beside me)." >&2
    exit 2
fi

mkdir -p "$(dirname "$APPDIR")" "$BIN" "$SHARE/applications" "$SHARE/mime/packages"
rm -rf -- "$APPDIR.new"
cp -a "$HERE/jmg-desktop" "$APPDIR.new"
if [[ -d "$APPDIR" ]]; then
    mv -- "$APPDIR" "$APPDIR.old"
fi
mv -- "$APPDIR.new" "$APPDIR"
rm -rf -- "$APPDIR.old"

installed=()
ln -sfn "$APPDIR/jmg-desktop" "$BIN/jmg-desktop"
installed+=("$BIN/jmg-desktop")

# The menu entry names the program by its full path: ~/.local/bin is not on every session's PATH.
desktop="$SHARE/applications/jmg-desktop.desktop"
sed -e "s|^Exec=jmg-desktop |Exec=\"$APPDIR/jmg-desktop\" |" -e "s|^TryExec=.*|TryExec=$APPDIR/jmg-desktop|" \
    "$HERE/share/applications/jmg-desktop.desktop" >"$desktop.part"
mv -- "$desktop.part" "$desktop"
installed+=("$desktop")

cp -- "$HERE/share/mime/packages/jmg-desktop.xml" "$SHARE/mime/packages/jmg-desktop.xml"
installed+=("$SHARE/mime/packages/jmg-desktop.xml")

while IFS= read -r icon; do
    relative="${icon#"$HERE/share/"}"
    mkdir -p "$(dirname "$SHARE/$relative")"
    cp -- "$icon" "$SHARE/$relative"
    installed+=("$SHARE/$relative")
done < <(find "$HERE/share/icons" -type f | sort)

printf '%s\n' "${installed[@]}" >"$MANIFEST"
refresh_caches
if [[ "$MODE" == user ]] && command -v xdg-mime >/dev/null; then
    xdg-mime default jmg-desktop.desktop application/x-jmg-workspace 2>/dev/null || true
fi
echo "Installed JMG Desktop in $APPDIR; run 'jmg-desktop' (in $BIN) or choose it from the menu."
