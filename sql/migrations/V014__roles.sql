-- Least privilege: who owns the schema objects, who runs the ingest, who reads (V013).
--
-- fleettickets_owner owns every schema, table, view, type and function of tickets,
-- reporting and staging. The Flyway callback afterMigrate__owner_takes_over.sql hands it
-- whatever a migration created as the login that ran it (V001-V013 included, on the first
-- migrate after this one), so SECURITY DEFINER functions run with the owner's rights, never a
-- superuser's, and a login that is a member of the owner can run the next migrate.
--
-- fleettickets_ingest is what the runner's login holds. It executes the SECURITY DEFINER
-- functions of the ingest, the drain, geocoding and history (each file grants EXECUTE), COPYs
-- into the staging table tickets.create_staging made for it, and reads the tables of
-- tickets. It writes no table directly, creates nothing, owns nothing.
--
-- Roles belong to the cluster: made once, granted in every database migrated.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'fleettickets_owner') THEN
    CREATE ROLE fleettickets_owner NOLOGIN;
    COMMENT ON ROLE fleettickets_owner IS
      'Owns the schemas, tables, views and functions of fleettickets (SECURITY DEFINER functions run as it). Grant it to the login that runs migrate after the first time; never to the runner.';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'fleettickets_ingest') THEN
    CREATE ROLE fleettickets_ingest NOLOGIN;
    COMMENT ON ROLE fleettickets_ingest IS
      'Runs fleettickets: stages and ingests files, drains the bucket, geocodes, captures history, through functions; reads the tickets tables; writes none directly, creates nothing. Grant it to the runner''s login.';
  END IF;
END;
$$;

GRANT USAGE ON SCHEMA tickets TO fleettickets_ingest;
-- COPY names the staging table; tickets.create_staging grants INSERT on each one it makes.
GRANT USAGE ON SCHEMA staging TO fleettickets_ingest;

-- Reading gives the ingest nothing new: it writes every one of these through its functions.
-- Its runs read some directly (the plan reads the ledger, the staged header, the error
-- rules, the gazetteer), and so do `status` and an operator signed in as the runner.
-- A table added later is granted in its own migration.
GRANT SELECT ON tickets.closure_events, tickets.closure_seen, tickets.contract_column, tickets.crq,
                tickets.error_code, tickets.file_ledger, tickets.geo_clusters, tickets.geo_locations,
                tickets.geo_places, tickets.geo_regions, tickets.geocoder_settings, tickets.history_day,
                tickets.import_meta, tickets.inc, tickets.inc_daily_snapshot, tickets.location_queries,
                tickets.rejected_row, tickets.sla_policy, tickets.staged_file
   TO fleettickets_ingest;
