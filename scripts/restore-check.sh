#!/usr/bin/env bash
# Proves a backup restores: restores FILE (from scripts/backup.sh) into a new scratch database,
# counts the rows of every table there and compares them with the source's counts, then drops
# the scratch database. Exits 0 when every table matches, 1 (naming each table) when one
# differs or the restore fails, 2 when used wrongly.
#
# Usage: DATABASE_URL=postgres://… scripts/restore-check.sh FILE
#   The source's counts are FILE.counts, taken by backup.sh in the dump's own snapshot, so a
#   database in use since then does not make the check fail. Without FILE.counts the source is
#   counted now (DATABASE_URL): only right for a database nobody has written to since the dump.
#   RESTORE_CHECK_URL: where to create the scratch database (any database on that server, as a
#   role that may create databases); DATABASE_URL's server unless set. Use a server other than
#   production's to keep the restore's load off it.
#   PG_BIN names the directory of pg_restore and psql when the ones on PATH are older than the dump's.
set -euo pipefail
umask 077

file=${1:-}
if [[ -z "$file" || ! -f "$file" ]]; then
  echo "restore-check.sh: give the backup file to check (restore-check.sh FILE)" >&2
  exit 2
fi
if [[ -z "${DATABASE_URL:-}" && ( -z "${RESTORE_CHECK_URL:-}" || ! -f "$file.counts" ) ]]; then
  echo "restore-check.sh: set DATABASE_URL (the source database) or RESTORE_CHECK_URL with FILE.counts beside the file" >&2
  exit 2
fi
bin=${PG_BIN:+$PG_BIN/}
admin_url=${RESTORE_CHECK_URL:-$DATABASE_URL}
scratch="invitational_restore_check_$(date -u +%Y%m%d%H%M%S)_$$"
# The same server and credentials, another database name (postgres://user:pass@host:port/NAME?options).
if [[ ! "$admin_url" =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]]; then
  echo "restore-check.sh: RESTORE_CHECK_URL / DATABASE_URL must be a postgres:// URL" >&2
  exit 2
fi
scratch_url="${BASH_REMATCH[1]}/$scratch${BASH_REMATCH[4]}"

psql_at() { "${bin}psql" "$1" -X -q -A -t -v ON_ERROR_STOP=1 "${@:2}"; }

COUNTS_SQL=$(<"$(dirname "${BASH_SOURCE[0]}")/table-counts.sql")
count_rows() { printf '%s\n' "$COUNTS_SQL" | psql_at "$1" | sed '/^$/d' | LC_ALL=C sort; }

work=$(mktemp -d)
created=false
cleanup() {
  local status=$?
  if $created; then
    psql_at "$admin_url" -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null || {
      echo "restore-check.sh: could not drop the scratch database $scratch; drop it by hand" >&2
    }
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

if ! "${bin}pg_restore" --list "$file" >"$work/contents"; then
  echo "restore-check.sh: $file is not a pg_dump custom-format archive" >&2
  exit 1
fi
if [[ -f "$file.counts" ]]; then
  cp "$file.counts" "$work/source"
  echo "Source counts: $file.counts (taken with the dump)"
else
  echo "No $file.counts: counting the source database now; writes since the dump will show as differences"
  count_rows "$DATABASE_URL" >"$work/source"
fi

psql_at "$admin_url" -c "CREATE DATABASE \"$scratch\"" >/dev/null
created=true
# Objects are owned by the restoring role and no grants are restored (--no-owner --no-acl):
# the scratch server need not have the service's roles. An extension's comment can only be
# set by its owner, so it is left out for a restoring role that is not a superuser.
grep -v ' COMMENT - EXTENSION ' "$work/contents" >"$work/restore-list"
if ! "${bin}pg_restore" --no-owner --no-acl --exit-on-error --use-list="$work/restore-list" --dbname="$scratch_url" "$file"; then
  echo "restore-check.sh: FAILED: $file did not restore" >&2
  exit 1
fi
count_rows "$scratch_url" >"$work/restored"

tables=$(wc -l <"$work/source")
if ! LC_ALL=C join -t $'\t' -a 1 -a 2 -e missing -o 0,1.2,2.2 "$work/source" "$work/restored" >"$work/both"; then
  echo "restore-check.sh: could not compare the counts" >&2
  exit 1
fi
differences=$(awk -F '\t' '$2 != $3 { printf "  %s: source %s rows, restored %s\n", $1, $2, $3 }' "$work/both")
if [[ -n "$differences" ]]; then
  echo "restore-check.sh: FAILED: row counts differ between the source and the restored copy:" >&2
  echo "$differences" >&2
  exit 1
fi
echo "Restore check passed: $file restored into a scratch database; all $tables tables have the source's row counts."
