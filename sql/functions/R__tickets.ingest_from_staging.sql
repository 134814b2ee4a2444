CREATE OR REPLACE FUNCTION tickets.ingest_from_staging(
  p_key text,
  p_etag text DEFAULT NULL,
  p_size_bytes bigint DEFAULT NULL,
  p_mode text DEFAULT 'manual')
RETURNS tickets.file_ledger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = ''
SET work_mem = '256MB'  -- the per-file sorts stay in memory for files of 100k+ rows
AS $$
DECLARE
  v_started   timestamptz := clock_timestamp();
  -- a source_updated_at later than this is not trusted (contract rule 6)
  v_trusted_until timestamptz := clock_timestamp() + interval '1 day';
  v_mode      tickets.ingest_mode := tickets.ingest_mode_of(p_mode);
  v_staged    tickets.staged_file;
  v_ledger    tickets.file_ledger;
  v_keys      text[];   -- raw keys of the columns kept, in jsonb's order
  v_values    text;     -- the matching cleaning expressions
  v_ticket    text;     -- the staging column holding ticket_id
  v_alarm     text;     -- the staging column holding is_alarm, if any
  v_updated   text;     -- the staging column holding source_updated_at, if any
  v_row_text  text;     -- expression re-serializing a row's kept columns as CSV (rejected rows)
  v_row_columns text[]; -- the names of those columns, in file order
  v_header    text;     -- expression: a row's fields as header names (lines repeating the header)
  v_digest    text;     -- expression: the fingerprint of a row's kept fields, in column-name order
  v_extra     text[];
  v_counts    record;
  v_wm        record;
  v_bad_line  bigint;
BEGIN
  SELECT * INTO v_staged FROM tickets.staged_file AS f WHERE f.file_key = p_key;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no staged file for key %', p_key
      USING ERRCODE = 'FT004',
            DETAIL = 'tickets.staged_file has no row for this key (never staged, or ingested already).',
            HINT = 'Call tickets.create_staging(p_key, p_header), COPY the file into the target it returns, then call this again.';
  END IF;

  PERFORM tickets.take_ingest_locks();

  INSERT INTO tickets.file_ledger (file_key, etag, size_bytes, mode, outcome, staged_at, started_at, finished_at)
  VALUES (p_key, p_etag, p_size_bytes, v_mode, 'applied', v_staged.staged_at, v_started, v_started)
  RETURNING * INTO v_ledger;

  IF cardinality(v_staged.columns) = 0 THEN
    -- A zero-byte file: nothing to read.
    SELECT 0::bigint AS rows_read, 0::bigint AS sentinel, 0::bigint AS alarm, 0::bigint AS rejected_rows,
           0::bigint AS header_repeats, 0::bigint AS untrusted, 0::bigint AS inserted, 0::bigint AS updated,
           0::bigint AS unchanged, 0::bigint AS stale, 0::bigint AS duplicates, NULL::timestamptz AS max_updated_at
      INTO v_counts;
  ELSE
    -- How each column is cleaned comes from tickets.contract_column (one home for the
    -- rule); the ticket number is the one the classifying pass cleaned already. The keys go
    -- in jsonb's own order (length, then bytes): building the object then finds them
    -- sorted already instead of sorting them again for every row.
    SELECT array_agg(h.name ORDER BY octet_length(h.name), h.name COLLATE "C")
             FILTER (WHERE c.disposition IS DISTINCT FROM 'dropped'),
           string_agg(CASE WHEN h.name = 'ticket_id' THEN 'm.tid'
                           ELSE tickets.cleaning_sql(c.cleaning, format('s.%I', 'c' || h.pos)) END,
                      ', ' ORDER BY octet_length(h.name), h.name COLLATE "C")
             FILTER (WHERE c.disposition IS DISTINCT FROM 'dropped'),
           max(format('s.%I', 'c' || h.pos)) FILTER (WHERE h.name = 'ticket_id'),
           coalesce(max(format('s.%I', 'c' || h.pos)) FILTER (WHERE h.name = 'is_alarm'), 'NULL::text'),
           coalesce(max(format('s.%I', 'c' || h.pos)) FILTER (WHERE h.name = 'source_updated_at'), 'NULL::text'),
           string_agg(format('tickets.csv_field(s.%I)', 'c' || h.pos), ', ' ORDER BY h.pos)
             FILTER (WHERE c.disposition IS DISTINCT FROM 'dropped'),
           array_agg(h.name ORDER BY h.pos) FILTER (WHERE c.disposition IS DISTINCT FROM 'dropped'),
           string_agg(format('tickets.header_name(s.%I)', 'c' || h.pos), ', ' ORDER BY h.pos),
           coalesce(array_agg(h.name ORDER BY h.pos) FILTER (WHERE c.name IS NULL), '{}'),
           format('hash_record_extended(ROW(%s), $5)',
                  string_agg(format('s.%I', 'c' || h.pos), ', ' ORDER BY h.name COLLATE "C")
                    FILTER (WHERE c.disposition IS DISTINCT FROM 'dropped'))
      INTO v_keys, v_values, v_ticket, v_alarm, v_updated, v_row_text, v_row_columns, v_header, v_extra, v_digest
      FROM unnest(v_staged.columns) WITH ORDINALITY AS h(name, pos)
      LEFT JOIN tickets.contract_column AS c ON c.name = h.name;

    -- One statement over the staging table: classify every row, keep the newest row per
    -- ticket, and write only what is new or changed (insert and update apart: ingests are
    -- serialized by the ingest lock, and a plain INSERT is cheaper than ON CONFLICT). The
    -- classifying pass and the sort carry only a row's line, ticket, timestamp and the
    -- fingerprint of its fields (tickets.inc.source_digest): a row whose fingerprint is the
    -- stored one is unchanged as it stands. raw is built only for the other rows kept,
    -- fetched back by their line, and compared with the stored raw where the ticket exists.
    -- A timestamp more than a day ahead is not trusted: it orders nothing and protects nothing.
    EXECUTE format($sql$
      WITH classified AS MATERIALIZED (
        SELECT line, tid, updated_at, digest,
               CASE WHEN updated_at <= $2 THEN updated_at END AS trusted_at,
               CASE WHEN tid LIKE 'EXPORT STOPPED%%' THEN 'sentinel'
                    WHEN tid IS NULL OR length(tid) > 64 THEN 'rejected'
                    WHEN tid = ANY ($3) THEN 'header'  -- a column name where a ticket number belongs
                    WHEN is_alarm THEN 'alarm'
                    ELSE 'row'
               END AS kind
          FROM (SELECT s.line,
                       tickets.clean_ticket_id(%1$s) AS tid,
                       tickets.parse_bool(%2$s) IS TRUE AS is_alarm,
                       tickets.eat_ts(%5$s) AS updated_at,
                       %6$s AS digest
                  FROM staging.%4$I AS s
                OFFSET 0) AS src  -- each parse once per row, not once per use above
      ),
      tally AS (
        SELECT count(*) AS rows_read,
               count(*) FILTER (WHERE kind = 'sentinel') AS sentinel,
               count(*) FILTER (WHERE kind = 'alarm') AS alarm,
               count(*) FILTER (WHERE kind = 'rejected') AS rejected_rows,
               count(*) FILTER (WHERE kind = 'header') AS header_repeats,
               count(*) FILTER (WHERE kind = 'row') AS ticket_rows,
               count(*) FILTER (WHERE kind = 'row' AND updated_at > $2) AS untrusted
          FROM classified
      ),
      latest AS (
        -- Byte order is enough to group a ticket's rows, and much cheaper than the locale's.
        SELECT DISTINCT ON (tid COLLATE "C") tid, line, trusted_at, digest
          FROM classified
         WHERE kind = 'row'
         ORDER BY tid COLLATE "C", trusted_at DESC NULLS LAST, line DESC
      ),
      -- What is stored decides first: a new ticket, a stale row, or the same fingerprint
      -- (the same source row under the same rules: unchanged); the rest are compared by raw.
      -- A row to compare keeps the stored raw it is compared with (read by the same lookup).
      matched AS MATERIALIZED (
        SELECT m.tid, m.line, m.trusted_at, m.digest, m.action,
               CASE WHEN m.action = 'compare' THEN m.stored_raw END AS stored_raw
          FROM (SELECT l.tid, l.line, l.trusted_at, l.digest, i.raw AS stored_raw,
                       CASE WHEN i.ticket_id IS NULL THEN 'insert'
                            WHEN l.trusted_at < CASE WHEN i.source_updated_at <= $2 THEN i.source_updated_at END THEN 'stale'
                            WHEN l.digest = i.source_digest THEN 'unchanged'
                            ELSE 'compare'
                       END AS action
                  FROM latest AS l
                  LEFT JOIN tickets.inc AS i ON i.ticket_id = l.tid
                OFFSET 0) AS m
      ),
      built AS (
        -- OFFSET 0: raw is built once per row, however often it is used below.
        SELECT m.tid, m.trusted_at, m.digest, m.action, m.stored_raw,
               jsonb_strip_nulls(jsonb_object($1, ARRAY[%3$s]::text[])) AS raw
          FROM matched AS m
          JOIN staging.%4$I AS s ON s.line = m.line
         WHERE m.action IN ('insert', 'compare')
        OFFSET 0
      ),
      -- Where each ticket to write goes is decided here too, once per row written: its feed
      -- point, else the place of its (location, cluster, region) key in
      -- tickets.location_queries, looked up through that table's key (OFFSET 0: a probe per
      -- row, which keeps the file's order for the inserts below and, for the usual small
      -- file, never reads the whole table). A key not there is new: placed in keyed.
      target AS MATERIALIZED (
        SELECT y.tid, y.raw, y.trusted_at, y.digest, y.action, y.feed_geom, y.place_key,
               q.place_key IS NULL AS new_key, q.geom AS key_geom, q.geo_source AS key_source
          FROM (SELECT x.*,
                       CASE WHEN x.action <> 'unchanged' THEN tickets.feed_point(x.raw) END AS feed_geom,
                       CASE WHEN x.action <> 'unchanged'
                            THEN tickets.place_key(x.raw ->> 'location_name', x.raw ->> 'cluster', x.raw ->> 'region')
                       END AS place_key
                  FROM (SELECT b.tid, b.raw, b.trusted_at, b.digest,
                               CASE WHEN b.action = 'insert' THEN 'insert'
                                    WHEN b.raw = b.stored_raw THEN 'unchanged'
                                    ELSE 'update'
                               END AS action
                          FROM built AS b
                        OFFSET 0) AS x
                OFFSET 0) AS y
          LEFT JOIN LATERAL (SELECT q.place_key, q.geom, q.geo_source
                               FROM tickets.location_queries AS q
                              WHERE q.place_key = y.place_key AND y.action <> 'unchanged'
                             OFFSET 0) AS q ON true
      ),
      -- A key never seen before is placed here, once, with its query (the code stripping
      -- runs once per new location text), by the same rule as tickets.place_locations.
      keyed AS (
        INSERT INTO tickets.location_queries AS lq (place_key, location_name, cluster, region, query, geom, geo_source, placed_at)
        SELECT k.place_key, k.location_name, k.cluster, k.region, k.query, (k.place).geom, (k.place).geo_source, now()
          FROM (SELECT k.*, tickets.key_place(g.point, k.cluster_centre, r.centre) AS place
                  FROM (SELECT k.*, tickets.location_query(k.location_name, c.place, k.region) AS query,
                               c.centre AS cluster_centre
                          FROM (SELECT DISTINCT t.place_key, t.raw ->> 'location_name' AS location_name,
                                       upper(t.raw ->> 'cluster') AS cluster, t.raw ->> 'region' AS region
                                  FROM target AS t
                                 WHERE t.action IN ('insert', 'update') AND t.new_key) AS k
                          LEFT JOIN tickets.geo_clusters AS c ON c.cluster_code = k.cluster) AS k
                  LEFT JOIN tickets.geo_locations AS g ON g.query = k.query AND g.outcome = 'found'
                  LEFT JOIN tickets.geo_regions AS r ON r.region = k.region
                OFFSET 0) AS k
        ON CONFLICT (place_key) DO NOTHING
        RETURNING lq.place_key, lq.geom, lq.geo_source
      ),
      -- The places of the keys placed just now, as one lookup object: a ticket finds its
      -- key's place by a lookup, not by a join between two of this statement's own row sets,
      -- whose numbers the planner cannot know (a nested loop over 85,000 tickets and 33,000
      -- new keys once took minutes). The geometry travels as its exact text (hex EWKB).
      new_places AS (
        SELECT coalesce(jsonb_object_agg(k.place_key, jsonb_build_array(k.geom::text, k.geo_source)), '{}') AS places
          FROM keyed AS k
      ),
      placed AS (
        SELECT t.tid, t.raw, t.digest, t.action,
               coalesce(t.feed_geom,
                        CASE WHEN t.new_key THEN (n.places -> t.place_key ->> 0)::public.geometry ELSE t.key_geom END) AS geom,
               CASE WHEN t.feed_geom IS NOT NULL THEN 'feed'
                    WHEN t.new_key THEN n.places -> t.place_key ->> 1
                    ELSE t.key_source END AS geo_source
          FROM target AS t
         CROSS JOIN new_places AS n
         WHERE t.action IN ('insert', 'update')
      ),
      inserted AS (
        INSERT INTO tickets.inc (ticket_id, raw, source_digest, geom, geo_source, ledger_id)
        SELECT tid, raw, digest, geom, geo_source, $4 FROM placed WHERE action = 'insert'
        RETURNING 1
      ),
      updated AS (
        UPDATE tickets.inc AS t
           SET raw = p.raw, source_digest = p.digest, geom = p.geom, geo_source = p.geo_source, ingested_at = now(), ledger_id = $4
          FROM placed AS p
         WHERE p.action = 'update' AND t.ticket_id = p.tid
        RETURNING 1
      ),
      outcome AS (
        SELECT m.kept, m.unchanged + t.unchanged AS unchanged, m.stale, t.max_updated_at
          FROM (SELECT count(*) AS kept,
                       count(*) FILTER (WHERE action = 'unchanged') AS unchanged,
                       count(*) FILTER (WHERE action = 'stale') AS stale
                  FROM matched) AS m
         CROSS JOIN
               (SELECT count(*) FILTER (WHERE action = 'unchanged') AS unchanged,
                       max(trusted_at) FILTER (WHERE action IN ('insert', 'update')) AS max_updated_at
                  FROM target) AS t
      )
      SELECT t.rows_read, t.sentinel, t.alarm, t.rejected_rows, t.header_repeats, t.untrusted,
             (SELECT count(*) FROM inserted) AS inserted,
             (SELECT count(*) FROM updated)  AS updated,
             o.unchanged, o.stale,
             t.ticket_rows - o.kept AS duplicates,
             o.max_updated_at
        FROM tally AS t CROSS JOIN outcome AS o
      $sql$, v_ticket, v_alarm, v_values, v_staged.staging_table, v_updated, v_digest)
    INTO v_counts
    USING v_keys, v_trusted_until,
          ARRAY(SELECT upper(n) FROM unnest(v_staged.columns) AS n UNION SELECT upper(c.name) FROM tickets.contract_column AS c),
          v_ledger.ledger_id, tickets.source_digest_seed(v_staged.columns);

    -- A line repeating the header (a column name where the ticket number belongs) is
    -- skipped only when it names the same columns in the same order; otherwise the rows
    -- after it would land in the wrong columns.
    IF v_counts.header_repeats > 0 THEN
      EXECUTE format($sql$
        SELECT s.line FROM staging.%1$I AS s
         WHERE tickets.clean_ticket_id(%2$s) = ANY ($2) AND ARRAY[%3$s]::text[] IS DISTINCT FROM $1
         ORDER BY s.line LIMIT 1
        $sql$, v_staged.staging_table, v_ticket, v_header)
      INTO v_bad_line
      USING v_staged.columns,
            ARRAY(SELECT upper(n) FROM unnest(v_staged.columns) AS n UNION SELECT upper(c.name) FROM tickets.contract_column AS c);
      IF v_bad_line IS NOT NULL THEN
        RAISE EXCEPTION 'line % repeats the header with other columns', v_bad_line
          USING ERRCODE = 'FT104',
                DETAIL = 'The rows after it would land in the wrong columns.',
                HINT = 'Split the joined exports into one file each, or give them the same header.';
      END IF;
    END IF;

    -- Rows whose ticket_id is empty or too long are kept with their line and reason.
    IF v_counts.rejected_rows > 0 THEN
      EXECUTE format($sql$
        INSERT INTO tickets.rejected_row (ledger_id, line, reason, columns, row_text)
        SELECT $1, r.line,
               CASE WHEN r.tid IS NULL THEN 'ticket_id is empty'
                    ELSE format('ticket_id is longer than 64 characters (%%s)', length(r.tid)) END,
               $2, r.row_text
          FROM (SELECT s.line, tickets.clean_ticket_id(%3$s) AS tid, array_to_string(ARRAY[%1$s], ',') AS row_text
                  FROM staging.%2$I AS s) AS r
         WHERE (r.tid IS NULL OR length(r.tid) > 64) AND coalesce(r.tid, '') NOT LIKE 'EXPORT STOPPED%%'
         ORDER BY r.line
        $sql$, v_row_text, v_staged.staging_table, v_ticket)
      USING v_ledger.ledger_id, v_row_columns;
    END IF;
  END IF;

  EXECUTE format('DROP TABLE IF EXISTS staging.%I', v_staged.staging_table);
  DELETE FROM tickets.staged_file AS f WHERE f.file_key = p_key;

  v_wm := tickets.advance_watermark(p_key, v_counts.max_updated_at);

  UPDATE tickets.file_ledger AS l
     SET late = v_wm.late,
         truncated = v_counts.sentinel > 0,
         rows_read = v_counts.rows_read,
         inserted = v_counts.inserted,
         updated = v_counts.updated,
         unchanged = v_counts.unchanged,
         stale = v_counts.stale,
         alarm = v_counts.alarm,
         sentinel = v_counts.sentinel,
         duplicates = v_counts.duplicates,
         rejected_rows = v_counts.rejected_rows,
         header_repeats = v_counts.header_repeats,
         untrusted_updated_at = v_counts.untrusted,
         extra_columns = coalesce(v_extra, '{}'),
         watermark_before = v_wm.watermark_before,
         watermark_after = v_wm.watermark_after,
         archive_key = CASE WHEN v_mode <> 'manual' THEN tickets.archive_key(p_key, p_etag, 'applied', l.ledger_id) END,
         finished_at = clock_timestamp(),
         load_ms = round(extract(epoch FROM v_started - v_staged.staged_at) * 1000),
         ingest_ms = round(extract(epoch FROM clock_timestamp() - v_started) * 1000)
   WHERE l.ledger_id = v_ledger.ledger_id
  RETURNING * INTO v_ledger;

  RETURN v_ledger;
END;
$$;

COMMENT ON FUNCTION tickets.ingest_from_staging(text, text, bigint, text) IS
  'Ingests the file staged under p_key (see tickets.create_staging) and returns its ledger row.
Drops alarm and sentinel rows and lines repeating the header (FT104 when they name other columns), records rows whose
ticket_id is empty or longer than 64 characters in tickets.rejected_row, cleans the rest (tickets.contract_column), keeps
the newest row per ticket (source_updated_at, then the later line) and upserts it into tickets.inc unless the stored
version is newer (stale) or identical (unchanged: not rewritten; known without building raw when the source row''s
fingerprint is the stored tickets.inc.source_digest). A source_updated_at more than a day ahead is not
trusted. Each row written names the file''s ledger row (tickets.inc.ledger_id). Advances the watermark and drops the
staging table; closures are observed by the next tickets.capture_history.
p_mode: manual (default), apply, reseed, or dry_run (the caller rolls the transaction back).';

REVOKE EXECUTE ON FUNCTION tickets.ingest_from_staging(text, text, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tickets.ingest_from_staging(text, text, bigint, text) TO fleettickets_ingest;
