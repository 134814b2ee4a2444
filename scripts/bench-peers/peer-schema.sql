-- The peers' side of make bench (scripts/bench, part "peers"): a plain typed table of the
-- ticket fields, without jsonb, generated columns or GiST, and the casts both peers use.
-- Both peers keep one row per ticket (the newest source_updated_at, then the later line),
-- skip empty, over-long, sentinel and repeated-header ids, and parse the ISO timestamp forms
-- only (anything else becomes NULL): what a careful hand-written loader would do.
CREATE SCHEMA IF NOT EXISTS peer;

-- Timestamps without a zone are EAT: the database's time zone.
DO $$ BEGIN
  EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), 'Africa/Nairobi');
END $$;
CREATE FUNCTION peer.ts(v text) RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE RETURN
  CASE WHEN btrim(v) ~ '^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$' THEN btrim(v)::timestamptz END;
CREATE FUNCTION peer.bool(v text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
  CASE WHEN lower(btrim(v)) IN ('y', 'yes', 't', 'true', '1') THEN true
       WHEN lower(btrim(v)) IN ('n', 'no', 'f', 'false', '0') THEN false END;
CREATE FUNCTION peer.num(v text) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
  CASE WHEN btrim(v) ~ '^-?\d+(\.\d+)?$' THEN btrim(v)::double precision END;
CREATE FUNCTION peer.txt(v text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
  nullif(btrim(v), '');
CREATE FUNCTION peer.id(v text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
  CASE WHEN upper(btrim(v)) NOT IN ('', 'TICKET_ID') AND length(btrim(v)) <= 64
        AND upper(btrim(v)) NOT LIKE 'EXPORT STOPPED%' THEN upper(btrim(v)) END;

CREATE TABLE peer.inc (
  ticket_id          text PRIMARY KEY,
  normalized_status  text,
  raw_status         text,
  bucket             text,
  is_actionable      boolean,
  cluster            text,
  region             text,
  location_name      text,
  assigned_team      text,
  owner              text,
  sla_status         text,
  mttr               integer,
  created_at_service timestamptz,
  scheduled_at       timestamptz,
  closed_at          timestamptz,
  first_seen_at      timestamptz,
  last_seen_at       timestamptz,
  source_created_at  timestamptz,
  source_updated_at  timestamptz,
  latitude           double precision,
  longitude          double precision,
  service_type       text,
  ingested_at        timestamptz NOT NULL DEFAULT now()
);
