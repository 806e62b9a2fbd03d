#!/usr/bin/env bash
# A backup of the service's database: pg_dump's custom format (compressed; pg_restore can
# restore all of it or single tables), and beside it FILE.counts, the row count of every table
# taken in the very snapshot the dump was taken in, which scripts/restore-check.sh compares a
# restored copy with. The database stays in use meanwhile: pg_dump reads one consistent
# snapshot and takes no lock that stops the app writing.
#
# Usage: DATABASE_URL=postgres://invitational_owner@db.example:5432/invitational scripts/backup.sh [FILE]
#   FILE defaults to invitational-YYYYMMDDTHHMMSSZ.dump in the current directory.
#   The role needs to read every table: the owner role, or one in pg_read_all_data.
#   PG_BIN names the directory of pg_dump and psql when the ones on PATH are older than the server.
# The dump holds trainees' personal data: it is written readable by its owner only (umask 077);
# keep it encrypted and delete it on the schedule in docs/production.md.
set -euo pipefail
umask 077

if [[ -z "${DATABASE_URL:-}" ]]; then
  echo "backup.sh: set DATABASE_URL to the database to back up (postgres://user@host:5432/db)" >&2
  exit 2
fi
out=${1:-invitational-$(date -u +%Y%m%dT%H%M%SZ).dump}
bin=${PG_BIN:+$PG_BIN/}
trap 'rm -f "$out.partial" "$out.counts.partial"' EXIT

# The row counts (scripts/table-counts.sql), run inside the snapshot's transaction below so they
# are the dump's, and a line that says they have all been written.
COUNTS_SQL="$(<"$(dirname "${BASH_SOURCE[0]}")/table-counts.sql")
\echo __counts_end__"

# One session exports its snapshot and holds it open while pg_dump reads from it.
coproc SNAPSHOT { "${bin}psql" "$DATABASE_URL" -X -q -A -t -v ON_ERROR_STOP=1; }
snapshot_in=${SNAPSHOT[1]}
snapshot_out=${SNAPSHOT[0]}
# Kept now: bash unsets SNAPSHOT_PID as soon as the coprocess has ended, which under set -u made
# the wait below fail when psql was quicker than this script.
snapshot_pid=$SNAPSHOT_PID
echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot();" >&"$snapshot_in"
if ! read -r snapshot <&"$snapshot_out" || [[ -z "$snapshot" ]]; then
  echo "backup.sh: could not open a snapshot on the database" >&2
  exit 1
fi

printf '%s\n' "$COUNTS_SQL" >&"$snapshot_in"
counts=()
while read -r line <&"$snapshot_out"; do
  [[ "$line" == "__counts_end__" ]] && break
  [[ -n "$line" ]] && counts+=("$line")
done
if ((${#counts[@]} == 0)); then
  echo "backup.sh: the database has no tables to back up" >&2
  exit 1
fi

# Written under a temporary name and renamed when complete: a failed run never leaves a file
# that looks like a backup.
"${bin}pg_dump" --format=custom --snapshot="$snapshot" --file="$out.partial" "$DATABASE_URL"
echo "COMMIT;" >&"$snapshot_in"
exec {snapshot_in}>&-
wait "$snapshot_pid" 2>/dev/null || true

printf '%s\n' "${counts[@]}" | LC_ALL=C sort >"$out.counts.partial"
mv "$out.partial" "$out"
mv "$out.counts.partial" "$out.counts"
echo "Backup written: $out ($(du -h "$out" | cut -f1), ${#counts[@]} tables; row counts in $out.counts)"
