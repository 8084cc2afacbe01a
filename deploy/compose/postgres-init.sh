#!/usr/bin/env bash
# Runs once, when the PostgreSQL container initialises an empty data directory
# (/docker-entrypoint-initdb.d). Creates one database per service, each owned by its
# own login role, and the read-only `tandem_analyst` role on tandem_analytics.
# Mirrors deploy/local/stack.py (bootstrap_sql) so both local stacks look the same.
# The passwords come from the environment; their defaults are development-only values
# that the services refuse when TANDEM_ENV=production.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v matching_pw="${TANDEM_MATCHING_DB_PASSWORD:-tandem_matching}" \
  -v engagement_pw="${TANDEM_ENGAGEMENT_DB_PASSWORD:-tandem_engagement}" \
  -v notifications_pw="${TANDEM_NOTIFICATIONS_DB_PASSWORD:-tandem_notifications}" \
  -v analytics_pw="${TANDEM_ANALYTICS_DB_PASSWORD:-tandem_analytics}" \
  -v analyst_pw="${TANDEM_ANALYST_DB_PASSWORD:-tandem_analyst}" <<'SQL'
SET client_min_messages = warning;

CREATE ROLE tandem_matching LOGIN PASSWORD :'matching_pw';
CREATE ROLE tandem_engagement LOGIN PASSWORD :'engagement_pw';
CREATE ROLE tandem_notifications LOGIN PASSWORD :'notifications_pw';
CREATE ROLE tandem_analytics LOGIN PASSWORD :'analytics_pw';
CREATE ROLE tandem_analyst LOGIN PASSWORD :'analyst_pw';
ALTER ROLE tandem_analyst SET default_transaction_read_only = on;

CREATE DATABASE tandem_matching OWNER tandem_matching;
CREATE DATABASE tandem_engagement OWNER tandem_engagement;
CREATE DATABASE tandem_notifications OWNER tandem_notifications;
CREATE DATABASE tandem_analytics OWNER tandem_analytics;

-- A service's database is reachable by its owner only (and the analyst, below).
REVOKE CONNECT ON DATABASE tandem_matching FROM PUBLIC;
REVOKE CONNECT ON DATABASE tandem_engagement FROM PUBLIC;
REVOKE CONNECT ON DATABASE tandem_notifications FROM PUBLIC;
REVOKE CONNECT ON DATABASE tandem_analytics FROM PUBLIC;
GRANT CONNECT ON DATABASE tandem_analytics TO tandem_analyst;

\connect tandem_analytics
SET client_min_messages = warning;
-- The analyst reads the documented views in schema `analyst` (and nothing is writable:
-- default_transaction_read_only above, SELECT-only grants here). Tables and views that
-- the analytics migrations create later are covered by the default privileges.
CREATE SCHEMA IF NOT EXISTS analyst AUTHORIZATION tandem_analytics;
GRANT USAGE ON SCHEMA analyst TO tandem_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA analyst TO tandem_analyst;
ALTER DEFAULT PRIVILEGES FOR ROLE tandem_analytics IN SCHEMA analyst
  GRANT SELECT ON TABLES TO tandem_analyst;
GRANT USAGE ON SCHEMA public TO tandem_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO tandem_analyst;
ALTER DEFAULT PRIVILEGES FOR ROLE tandem_analytics IN SCHEMA public
  GRANT SELECT ON TABLES TO tandem_analyst;
SQL
