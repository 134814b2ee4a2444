-- Schemas and extensions of fleettickets.
--   tickets    the ingested data, the file ledger and the ingest functions
--   reporting  read APIs for the map and dashboards
--   staging    one UNLOGGED table per file being loaded; dropped once ingested
-- Created only when missing: a managed server may have it already (and IF NOT EXISTS
-- would print a notice on every fresh migrate).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'postgis') THEN
    CREATE EXTENSION postgis;
  END IF;
END;
$$;

CREATE SCHEMA IF NOT EXISTS tickets;
CREATE SCHEMA IF NOT EXISTS reporting;
CREATE SCHEMA IF NOT EXISTS staging;

COMMENT ON SCHEMA tickets IS
  'INC/CRQ tickets as ingested from the change stream, the file ledger and the ingest functions.
Domain errors raised here use the SQLSTATE class FT (FT001 ...), with a DETAIL and a HINT.';
COMMENT ON SCHEMA reporting IS 'Read APIs (JSON) for the live INC map and dashboards.';
COMMENT ON SCHEMA staging IS
  'Scratch space: one UNLOGGED table per file between tickets.create_staging() and tickets.ingest_from_staging().';
