#!/usr/bin/env bash
# Runs once, when the PostgreSQL container initialises an empty data directory
# (/docker-entrypoint-initdb.d). Creates one database per service, each owned by its own
# login role, and the read-only `tandem_analyst` role, as deploy/local does (roles.py).
# Which databases: the TANDEM_PASSWORD_<database> variables that docker-compose.yml sets
# from the service registry. The analyst may connect to TANDEM_ANALYST_DATABASES; what it
# may read there is granted by that service's own migrations (views only), not here.
# The passwords' defaults are development-only values that the services refuse when
# TANDEM_ENV=production.
set -euo pipefail

sql() { psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres "$@"; }

databases=$(compgen -e | sed -n 's/^TANDEM_PASSWORD_//p')
[[ -n "$databases" ]] || { echo "postgres-init: no TANDEM_PASSWORD_<database> variables" >&2; exit 1; }

for db in $databases; do
  password_var="TANDEM_PASSWORD_$db"
  sql -v db="$db" -v pw="${!password_var}" <<'SQL'
SET client_min_messages = warning;
CREATE ROLE :"db" LOGIN PASSWORD :'pw';
CREATE DATABASE :"db" OWNER :"db";
-- A service's database is reachable by its owner only (and the analyst, below).
REVOKE CONNECT ON DATABASE :"db" FROM PUBLIC;
SQL
done

sql -v pw="${TANDEM_ANALYST_DB_PASSWORD:-tandem_analyst}" <<'SQL'
SET client_min_messages = warning;
CREATE ROLE tandem_analyst LOGIN PASSWORD :'pw';
ALTER ROLE tandem_analyst SET default_transaction_read_only = on;
ALTER ROLE tandem_analyst SET statement_timeout = '5s';
SQL
for db in ${TANDEM_ANALYST_DATABASES:-}; do
  sql -v db="$db" <<< 'GRANT CONNECT ON DATABASE :"db" TO tandem_analyst;'
done
