#!/usr/bin/env bash
# A backup of the site's database, restorable with scripts/restore.sh (docs/deployment.md).
#
#   DATABASE_URL=postgres://user@host:5432/samenaanpak scripts/backup.sh samenaanpak.dump
#
# PostgreSQL: pg_dump's custom format (compressed; one consistent snapshot while the site runs).
# SQLite: SQLite's online backup (a consistent copy while the site writes).
# Media (MEDIA_ROOT: documents and images uploaded in the back office) are files: back them up
# with the volume. Meldpunt photos are in the database, sealed. Keep backups no longer than
# REPORT_RETENTION_DAYS (docs/meldpunt.md): a backup holds reports the site has since deleted.
set -euo pipefail
out="${1:?usage: scripts/backup.sh FILE}"
url="${DATABASE_URL:-sqlite:///${VAR_DIR:-var}/samenaanpak.sqlite3}"  # as settings.py
case "$url" in
  postgres://* | postgresql://*)
    pg_dump --format=custom --no-owner --no-privileges --dbname="$url" --file="$out" ;;
  sqlite://*)
    python3 - "${url#sqlite:///}" "$out" <<'PY'
import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
source.backup(target)
target.close(); source.close()
PY
    chmod 600 "$out" ;;
  *) echo "backup.sh: unknown DATABASE_URL scheme" >&2; exit 2 ;;
esac
