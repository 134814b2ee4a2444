-- The ticket tables: raw-jsonb-first. raw is the cleaned row and the source of truth;
-- the typed columns are STORED generated columns computed from it, so they can never
-- disagree with raw.

CREATE TABLE tickets.inc (
  ticket_id          text PRIMARY KEY,
  raw                jsonb NOT NULL,
  normalized_status  text        GENERATED ALWAYS AS (lower(raw ->> 'normalized_status')) STORED,
  raw_status         text        GENERATED ALWAYS AS (raw ->> 'raw_status') STORED,
  bucket             text        GENERATED ALWAYS AS (raw ->> 'bucket') STORED,
  is_actionable      boolean     GENERATED ALWAYS AS (tickets.parse_bool(raw ->> 'is_actionable')) STORED,
  cluster            text        GENERATED ALWAYS AS (raw ->> 'cluster') STORED,
  region             text        GENERATED ALWAYS AS (raw ->> 'region') STORED,
  location_name      text        GENERATED ALWAYS AS (raw ->> 'location_name') STORED,
  assigned_team      text        GENERATED ALWAYS AS (raw ->> 'assigned_team') STORED,
  owner              text        GENERATED ALWAYS AS (raw ->> 'owner') STORED,
  sla_status         text        GENERATED ALWAYS AS (raw ->> 'sla_status') STORED,
  mttr               integer     GENERATED ALWAYS AS (tickets.parse_minutes(raw ->> 'mttr')) STORED,
  created_at_service timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'created_at_service')) STORED,
  scheduled_at       timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'scheduled_at')) STORED,
  closed_at          timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'closed_at')) STORED,
  first_seen_at      timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'first_seen_at')) STORED,
  last_seen_at       timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'last_seen_at')) STORED,
  source_created_at  timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'source_created_at')) STORED,
  source_updated_at  timestamptz GENERATED ALWAYS AS (tickets.eat_ts(raw ->> 'source_updated_at')) STORED,
  geom               public.geometry(Point, 4326),
  geo_source         text,
  latitude           double precision GENERATED ALWAYS AS (public.st_y(geom)) STORED,
  longitude          double precision GENERATED ALWAYS AS (public.st_x(geom)) STORED,
  geog               public.geography(Point, 4326) GENERATED ALWAYS AS (geom::public.geography) STORED,
  ingested_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT inc_raw_is_object CHECK (jsonb_typeof(raw) = 'object'),
  CONSTRAINT inc_ticket_id_in_raw CHECK (raw ->> 'ticket_id' = ticket_id),
  CONSTRAINT inc_geo_source_known CHECK (geo_source IN ('feed', 'location', 'cluster'))
);

-- Only the spatial index: the table holds tens of thousands of tickets, which readers scan
-- whole faster than an ingest of 100k rows maintains three more btrees.
CREATE INDEX inc_geog_idx ON tickets.inc USING gist (geog);

COMMENT ON TABLE tickets.inc IS
  'Incident (INC) tickets, current state: one row per ticket, upserted from the change stream, never deleted.
raw is the cleaned row (source of truth); the typed columns are generated from it.';
COMMENT ON COLUMN tickets.inc.ticket_id IS 'Incident number, trimmed and upper-cased (INC000004512345).';
COMMENT ON COLUMN tickets.inc.raw IS
  'The cleaned row: values trimmed, blanks removed, region lower-cased, raw_status upper-cased, exporter bookkeeping columns dropped. Unknown columns are kept here.';
COMMENT ON COLUMN tickets.inc.normalized_status IS 'Exporter status class: open, in_progress, pending, resolved, closed, cancelled.';
COMMENT ON COLUMN tickets.inc.sla_status IS 'Within SLA / SLA Breached; meaningful only once the ticket is closed (derive open SLA from created_at_service).';
COMMENT ON COLUMN tickets.inc.mttr IS 'Minutes to restore, whole minutes rounded half up; NULL until closed.';
COMMENT ON COLUMN tickets.inc.created_at_service IS 'Lifecycle start (EAT input). Missing on many tickets: fall back to first_seen_at.';
COMMENT ON COLUMN tickets.inc.closed_at IS 'Lifecycle end (EAT input). The *_seen_at and source_* timestamps are export bookkeeping.';
COMMENT ON COLUMN tickets.inc.source_updated_at IS 'When the exporter last saw the ticket change; decides which of two versions is newer.';
COMMENT ON COLUMN tickets.inc.geom IS
  'Where the ticket is: the feed point whenever the feed has one (set by the ingest), else a geocoded point (see geo_source).';
COMMENT ON COLUMN tickets.inc.geo_source IS 'Origin of geom: feed, location (geocoded address) or cluster (cluster centre).';
COMMENT ON COLUMN tickets.inc.latitude IS 'Latitude of geom: the feed''s value when the feed has a point, else the geocoded one.';
COMMENT ON COLUMN tickets.inc.longitude IS 'Longitude of geom: the feed''s value when the feed has a point, else the geocoded one.';
COMMENT ON COLUMN tickets.inc.geog IS 'geom as geography, GiST-indexed, for distance queries.';
COMMENT ON COLUMN tickets.inc.ingested_at IS 'When this version of the row was written.';

CREATE TABLE tickets.crq (
  ticket_id   text PRIMARY KEY,
  raw         jsonb NOT NULL,
  ingested_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT crq_raw_is_object CHECK (jsonb_typeof(raw) = 'object'),
  CONSTRAINT crq_ticket_id_in_raw CHECK (raw ->> 'ticket_id' = ticket_id)
);

COMMENT ON TABLE tickets.crq IS
  'Change requests (CRQ), raw-jsonb-first like tickets.inc; filled once the automations/crq/ stream is ingested.';
COMMENT ON COLUMN tickets.crq.raw IS 'The cleaned row, source of truth.';
