-- Every ordinary table of every schema but the system's, as "schema.table<TAB>rows": read by
-- scripts/backup.sh (inside the dump's snapshot) and scripts/restore-check.sh (on the restored copy).
SELECT format('SELECT %L || chr(9) || count(*) FROM %I.%I', n.nspname || '.' || c.relname, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
ORDER BY n.nspname, c.relname
\gexec
