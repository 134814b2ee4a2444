-- Most tickets have no point until they are geocoded; a GiST index over NULLs costs the
-- ingest a descent per row and answers no query (every spatial operator is strict).
DROP INDEX tickets.inc_geog_idx;
CREATE INDEX inc_geog_idx ON tickets.inc USING gist (geog) WHERE geog IS NOT NULL;
COMMENT ON INDEX tickets.inc_geog_idx IS
  'Spatial index over the tickets that have a point. ST_DWithin and && use it as they are; a nearest-first ORDER BY geog <-> p needs WHERE geog IS NOT NULL to.';
