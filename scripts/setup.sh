#!/usr/bin/env bash
# Shared by run.sh and test.sh: the virtualenv, the system packages the project needs, compiled translations.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*" >&2; }

SUDO=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
fi

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get install -y -q "$@" >/dev/null \
        || { "${SUDO[@]}" apt-get update -q >/dev/null && "${SUDO[@]}" apt-get install -y -q "$@" >/dev/null; }
}

# Debian packages: msgfmt to compile the Korean and English catalogs, plus whatever the caller asks for.
need=()
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
for pkg in "$@"; do
    case "$pkg" in
        redis-server) command -v redis-server >/dev/null 2>&1 || need+=(redis-server) ;;
        postgresql-15) [ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15) ;;
        *) dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg") ;;
    esac
done
if [ "${#need[@]}" -gt 0 ]; then
    log "installing ${need[*]}"
    apt_install "${need[@]}"
fi

make --no-print-directory venv

# Bootstrap 5 for the company portal, from the npm registry (pinned), served from our own static files.
BOOTSTRAP_VERSION=5.3.9
VENDOR_DIR="${DJANGO_VENDOR_DIR:-var/vendor}"
if [ ! -f "$VENDOR_DIR/bootstrap-$BOOTSTRAP_VERSION/css/bootstrap.min.css" ]; then
    command -v npm >/dev/null 2>&1 || apt_install npm
    log "fetching bootstrap@$BOOTSTRAP_VERSION from the npm registry"
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "bootstrap@$BOOTSTRAP_VERSION" >/dev/null)
    mkdir -p "$VENDOR_DIR/bootstrap-$BOOTSTRAP_VERSION"
    tar -xzf "$tmp"/bootstrap-*.tgz -C "$tmp"
    cp -r "$tmp/package/dist/css" "$tmp/package/dist/js" "$VENDOR_DIR/bootstrap-$BOOTSTRAP_VERSION/"
    rm -rf "$tmp"
fi

if [ -d locale ]; then
    DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python manage.py compilemessages -v0 --ignore=.venv
fi
