-- depends: analytics_0002_views
-- What the read-only analyst role may do in this database: connect, read the views in schema
-- "analytics", nothing else. Revokes defensively whatever a stack or DBA granted before
-- (the local stack used to grant SELECT on every table, now and by default).
-- Database-level settings do not travel with CREATE DATABASE ... TEMPLATE, so this file is
-- also run by `tandem-analytics grant-analyst` (and by the tests on their cloned databases).
DO $$
DECLARE
    db text := current_database();
    s record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem_analyst') THEN
        RAISE NOTICE 'no tandem_analyst role here: nothing to grant';
        RETURN;
    END IF;
    -- Tables and sequences in every schema but the views' own.
    FOR s IN SELECT nspname FROM pg_namespace
             WHERE nspname NOT IN ('analytics', 'information_schema', 'pg_catalog', 'pg_toast')
               AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'
    LOOP
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM tandem_analyst', s.nspname);
        EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM tandem_analyst', s.nspname);
        EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA %I FROM tandem_analyst', s.nspname);
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM tandem_analyst', s.nspname);
    END LOOP;
    -- Default privileges that would hand it every future table (e.g. a rebuild's shadows).
    FOR s IN SELECT DISTINCT pg_get_userbyid(d.defaclrole) AS owner, n.nspname
             FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
             WHERE array_to_string(d.defaclacl, ',') LIKE '%tandem_analyst=%'
    LOOP
        BEGIN
            IF s.nspname IS NULL THEN
                EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I REVOKE ALL ON TABLES '
                               'FROM tandem_analyst', s.owner);
            ELSE
                EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I REVOKE ALL '
                               'ON TABLES FROM tandem_analyst', s.owner, s.nspname);
            END IF;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE WARNING 'cannot revoke default privileges of %: ask the DBA', s.owner;
        END;
    END LOOP;
    -- Nothing through PUBLIC either: the raw tables' schema is for the service alone.
    REVOKE ALL ON SCHEMA public FROM PUBLIC;
    -- No objects of its own, not even temporary ones (no functions that could leak rows).
    EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC, tandem_analyst', db);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO tandem_analyst', db);
    GRANT USAGE ON SCHEMA analytics TO tandem_analyst;
    GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO tandem_analyst;
    -- Runaway queries end after 5 s; an idle open transaction after 60 s.
    BEGIN
        EXECUTE format('ALTER ROLE tandem_analyst IN DATABASE %I SET statement_timeout = %L',
                       db, '5s');
        EXECUTE format('ALTER ROLE tandem_analyst IN DATABASE %I '
                       'SET idle_in_transaction_session_timeout = %L', db, '60s');
        EXECUTE format('ALTER ROLE tandem_analyst IN DATABASE %I '
                       'SET default_transaction_read_only = on', db);
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE WARNING 'cannot set tandem_analyst''s timeouts here: ask the DBA (docs/analytics.md)';
    END;
    -- The views' row estimates (unnest, generate_series) are loose; JIT compiling for them
    -- costs more than the queries themselves.
    BEGIN
        EXECUTE format('ALTER DATABASE %I SET jit = off', db);
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE WARNING 'cannot turn JIT off for this database: only its owner can';
    END;
END
$$;
