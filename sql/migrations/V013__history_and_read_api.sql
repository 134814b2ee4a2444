-- History and the read side: the open-ticket SLA policy, the closures observed, the daily
-- backlog, the indexes the read API needs, and the role that may only read.
-- The functions (tickets.capture_history, reporting.fn_inc_dashboard, ...) are repeatable
-- migrations in sql/functions.

-- Which file last wrote each ticket: what a closure event names as the file that brought it.
-- No foreign key: a per-row check would cost every ingest, and ledger rows are never deleted.
ALTER TABLE tickets.inc ADD COLUMN ledger_id bigint;
COMMENT ON COLUMN tickets.inc.ledger_id IS
  'The tickets.file_ledger row of the file that last wrote this version (NULL for rows written before it was kept).';

-- The read API scans open tickets and the closures of a window; neither may cost a scan
-- of every ticket ever seen. Partial indexes: each is kept only for the rows it serves.
CREATE INDEX inc_open_idx ON tickets.inc (cluster)
  WHERE normalized_status IN ('open', 'in_progress', 'pending');
COMMENT ON INDEX tickets.inc_open_idx IS
  'The open tickets (open, in_progress, pending): the open layer, its counts and the daily backlog read these only.';

CREATE INDEX inc_closed_at_idx ON tickets.inc (closed_at)
  WHERE normalized_status IN ('resolved', 'closed');
COMMENT ON INDEX tickets.inc_closed_at_idx IS
  'Closed tickets by closure time: the closed layer and the figures of a window.';

CREATE INDEX inc_open_geog_idx ON tickets.inc USING gist (geog)
  WHERE geog IS NOT NULL AND normalized_status IN ('open', 'in_progress', 'pending');
COMMENT ON INDEX tickets.inc_open_geog_idx IS
  'The placed open tickets, nearest first (reporting.fn_nearest_open_tickets): a dispatch query never walks past closed tickets.';

-- The freshness of every payload counts the files of the last 24 hours; the ledger gains a
-- file every 20 minutes (26,000 a year), which a scan would read twice per call.
CREATE INDEX file_ledger_finished_at_idx ON tickets.file_ledger (finished_at);
COMMENT ON INDEX tickets.file_ledger_finished_at_idx IS
  'Files by when they finished: the rejected and truncated files of the last 24 hours (tickets.feed_freshness).';

-- The open SLA is derived: age against a target. One default, overridable per cluster.
CREATE TABLE tickets.sla_policy (
  cluster        text CONSTRAINT sla_policy_cluster_is_clean CHECK (cluster = upper(btrim(cluster))),
  target_minutes integer NOT NULL CONSTRAINT sla_policy_target_positive CHECK (target_minutes > 0),
  at_risk_share  numeric NOT NULL DEFAULT 0.8
                 CONSTRAINT sla_policy_share_is_fraction CHECK (at_risk_share > 0 AND at_risk_share < 1),
  note           text,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sla_policy_one_per_cluster UNIQUE NULLS NOT DISTINCT (cluster)
);
INSERT INTO tickets.sla_policy (cluster, target_minutes, note)
VALUES (NULL, 1440, 'Default: a field incident is restored within a day (24 h); at risk once 80% of it is used.');

COMMENT ON TABLE tickets.sla_policy IS
  'The target an open ticket''s age is held to: the row with cluster NULL is the default (24 h), a row per cluster code
overrides it. Change a target with one UPDATE or INSERT; tickets.inc_open_sla follows at once.';
COMMENT ON COLUMN tickets.sla_policy.cluster IS 'Cluster code (upper case) the target applies to; NULL: the default for every other cluster.';
COMMENT ON COLUMN tickets.sla_policy.target_minutes IS 'Age in minutes at which an open ticket is breached.';
COMMENT ON COLUMN tickets.sla_policy.at_risk_share IS 'Share of the target after which an open ticket is at risk (0.8: 80% used).';

-- The shape of an open ticket with its derived SLA (tickets.inc_age_and_sla and the view
-- tickets.inc_open_sla), written once.
CREATE TYPE tickets.open_ticket_sla AS (
  ticket_id          text,
  normalized_status  text,
  raw_status         text,
  cluster            text,
  region             text,
  location_name      text,
  assigned_team      text,
  owner              text,
  created_at_service timestamptz,
  first_seen_at      timestamptz,
  age_from           text,
  age_minutes        integer,
  sla_target_minutes integer,
  minutes_to_breach  integer,
  sla_state          text,
  geom               public.geometry,
  geo_source         text
);
COMMENT ON TYPE tickets.open_ticket_sla IS
  'An open ticket with its derived SLA: age (from created_at_service, else first_seen_at: age_from), target, minutes to
breach, state (within, at_risk, breached).';

-- The default cannot go: every open ticket needs a target.
CREATE FUNCTION tickets.keep_default_sla_policy()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  IF OLD.cluster IS NULL AND (TG_OP = 'DELETE' OR NEW.cluster IS NOT NULL) THEN
    RAISE EXCEPTION 'the default SLA target (cluster NULL) cannot be removed'
      USING ERRCODE = 'FT012',
            DETAIL = 'Every open ticket needs a target; clusters without their own row use the default.',
            HINT = 'Change it instead: UPDATE tickets.sla_policy SET target_minutes = ... WHERE cluster IS NULL.';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION tickets.keep_default_sla_policy() IS
  'Trigger of tickets.sla_policy: refuses to delete the default row (cluster NULL) or to give it a cluster (FT012).';
CREATE TRIGGER sla_policy_keep_default BEFORE DELETE OR UPDATE OF cluster ON tickets.sla_policy
  FOR EACH ROW EXECUTE FUNCTION tickets.keep_default_sla_policy();

-- History. tickets.inc is the present; these remember.
CREATE TABLE tickets.closure_events (
  closure_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id          text NOT NULL,
  normalized_status  text NOT NULL,
  raw_status         text,
  closed_at          timestamptz,
  created_at_service timestamptz,
  first_seen_at      timestamptz,
  cluster            text,
  region             text,
  assigned_team      text,
  owner              text,
  mttr               integer,
  sla_status         text,
  ledger_id          bigint,
  file_key           text,
  written_at         timestamptz NOT NULL,
  observed_at        timestamptz NOT NULL
);
CREATE INDEX closure_events_ticket_idx ON tickets.closure_events (ticket_id, closure_id);
CREATE INDEX closure_events_closed_at_idx ON tickets.closure_events (closed_at);

COMMENT ON TABLE tickets.closure_events IS
  'Append-only: one row per closure observed by tickets.capture_history (a ticket seen closed that was not closed when
last observed, or never observed before), with what was true then. Reopened and closed again gives a second row.
Never updated or deleted (a trigger refuses both).';
COMMENT ON COLUMN tickets.closure_events.normalized_status IS 'resolved or closed, as observed.';
COMMENT ON COLUMN tickets.closure_events.closed_at IS 'The ticket''s closed_at when observed (lifecycle end, EAT input).';
COMMENT ON COLUMN tickets.closure_events.mttr IS 'The feed''s minutes to restore, whole minutes, as observed.';
COMMENT ON COLUMN tickets.closure_events.sla_status IS 'The source''s SLA verdict (Within SLA / SLA Breached), as observed.';
COMMENT ON COLUMN tickets.closure_events.ledger_id IS 'The file_ledger row of the file that brought the closed version (NULL: written before files were kept on tickets).';
COMMENT ON COLUMN tickets.closure_events.file_key IS 'That file''s key.';
COMMENT ON COLUMN tickets.closure_events.written_at IS 'When the ingest wrote the closed version (tickets.inc.ingested_at).';
COMMENT ON COLUMN tickets.closure_events.observed_at IS 'The p_now of the capture that observed the closure.';

CREATE FUNCTION tickets.refuse_history_rewrite()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'FT013',
          DETAIL = 'History is what was observed; rewriting it would make the past say something else.',
          HINT = 'A wrong closure is corrected by the ticket''s next version, which a later capture observes.';
END;
$$;
COMMENT ON FUNCTION tickets.refuse_history_rewrite() IS
  'Trigger of append-only history tables: refuses UPDATE, DELETE and TRUNCATE (FT013).';
CREATE TRIGGER closure_events_append_only BEFORE UPDATE OR DELETE ON tickets.closure_events
  FOR EACH ROW EXECUTE FUNCTION tickets.refuse_history_rewrite();
CREATE TRIGGER closure_events_no_truncate BEFORE TRUNCATE ON tickets.closure_events
  FOR EACH STATEMENT EXECUTE FUNCTION tickets.refuse_history_rewrite();

-- What the last capture saw closed: the previous observation a closure is judged against.
CREATE TABLE tickets.closure_seen (
  ticket_id  text PRIMARY KEY,
  closure_id bigint NOT NULL REFERENCES tickets.closure_events
);
COMMENT ON TABLE tickets.closure_seen IS
  'The tickets closed at the last capture and their closure event. A ticket closed now and absent here is a new closure;
one here and no longer closed was reopened (its row goes, so closing again is a new closure).';

CREATE TABLE tickets.inc_daily_snapshot (
  day                 date NOT NULL,
  cluster             text CONSTRAINT inc_daily_snapshot_cluster_upper CHECK (cluster = upper(cluster)),
  open_backlog        integer NOT NULL,
  open_breached       integer NOT NULL,
  open_at_risk        integer NOT NULL,
  opened              integer NOT NULL,
  closed              integer NOT NULL,
  median_open_age_min numeric,
  captured_at         timestamptz NOT NULL,
  CONSTRAINT inc_daily_snapshot_day_cluster UNIQUE NULLS NOT DISTINCT (day, cluster)
);
COMMENT ON TABLE tickets.inc_daily_snapshot IS
  'Per EAT day and cluster (upper case; NULL: tickets without one): the open backlog and its SLA at the day''s last capture, tickets
opened and closed that day, median open age. Upserted by tickets.capture_history; grows forward from the first capture.';
COMMENT ON COLUMN tickets.inc_daily_snapshot.day IS 'The EAT (UTC+03:00) day.';
COMMENT ON COLUMN tickets.inc_daily_snapshot.open_backlog IS 'Open tickets (open, in_progress, pending) at the capture.';
COMMENT ON COLUMN tickets.inc_daily_snapshot.open_breached IS 'Of those, breached at the capture (tickets.inc_open_sla).';
COMMENT ON COLUMN tickets.inc_daily_snapshot.open_at_risk IS 'Of those, at risk at the capture.';
COMMENT ON COLUMN tickets.inc_daily_snapshot.opened IS 'Tickets whose age starts that day (created_at_service, else first_seen_at).';
COMMENT ON COLUMN tickets.inc_daily_snapshot.closed IS 'Closed tickets whose closed_at falls that day.';
COMMENT ON COLUMN tickets.inc_daily_snapshot.median_open_age_min IS 'Median age in minutes of the open backlog at the capture.';
COMMENT ON COLUMN tickets.inc_daily_snapshot.captured_at IS 'The p_now of the capture that last changed these figures.';

CREATE TABLE tickets.history_day (
  day              date PRIMARY KEY,
  first_captured_at timestamptz NOT NULL
);
COMMENT ON TABLE tickets.history_day IS
  'The EAT days a capture ran on: a day here with no snapshot row for a cluster had nothing for it (zero); a day absent
is before history began (unknown, never zero).';

-- Errors of the read side and of history.
INSERT INTO tickets.error_code (code, meaning, raised_by, rejects_file, exit_code) VALUES
  ('FT012', 'the default SLA target cannot be removed', 'tickets.keep_default_sla_policy', false, 4),
  ('FT013', 'history is append-only', 'tickets.refuse_history_rewrite', false, 4),
  ('FT201', 'unknown window', 'reporting.fn_inc_dashboard', false, 4),
  ('FT202', 'unknown open status', 'tickets.open_status_filter', false, 4),
  ('FT203', 'a range that ends before it starts, or a window and a range at once', 'reporting.fn_inc_dashboard', false, 4),
  ('FT204', 'a time that does not parse, or no time at all (p_now NULL)', 'tickets.eat_moment, tickets.moment_given', false, 4),
  ('FT206', 'a window too large for one payload', 'reporting.fn_inc_dashboard', false, 4),
  ('FT205', 'a position off the map, or a limit or distance out of range', 'reporting.fn_nearest_open_tickets', false, 4);

-- Readers: execute the reporting functions and select the views they rely on; nothing else.
-- Roles belong to the cluster: made once, granted in every database migrated.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'fleettickets_reader') THEN
    CREATE ROLE fleettickets_reader NOLOGIN;
    COMMENT ON ROLE fleettickets_reader IS
      'Reads fleettickets: executes the reporting functions and selects tickets.inc_open_sla; writes nothing. Grant it to a login role.';
  END IF;
END;
$$;
GRANT USAGE ON SCHEMA reporting TO fleettickets_reader;
GRANT USAGE ON SCHEMA tickets TO fleettickets_reader;
UPDATE tickets.error_code SET raised_by = 'tickets.take_ingest_locks, tickets.capture_history' WHERE code = 'FT501';
