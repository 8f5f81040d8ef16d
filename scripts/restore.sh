#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an EMPTY database (docs/deployment.md).
#
#   createdb -h host -U user samenaanpak_restored
#   DATABASE_URL=postgres://user@host:5432/samenaanpak_restored scripts/restore.sh samenaanpak.dump
#
# Then run the migrate job (`manage.py migrate`, idempotent: a newer release migrates the restored
# data forward) and point the site at it. The same SECRET_KEY and REPORT_RECEIPT_PEPPER as when
# the backup was made keep sessions and receipts working; without the pepper no receipt opens a
# report (handlers and the recovery key still do).
set -euo pipefail
in="${1:?usage: scripts/restore.sh FILE}"
url="${DATABASE_URL:-sqlite:///${VAR_DIR:-var}/samenaanpak.sqlite3}"  # as settings.py
case "$url" in
  postgres://* | postgresql://*)
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$in" ;;
  sqlite://*)
    target="${url#sqlite:///}"
    [ ! -s "$target" ] || { echo "restore.sh: $target exists; restore into a new file" >&2; exit 2; }
    install -m 600 "$in" "$target" ;;
  *) echo "restore.sh: unknown DATABASE_URL scheme" >&2; exit 2 ;;
esac
