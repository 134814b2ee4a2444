-- Stage 060: where tickets go. The location query (code stripping), geom resolution and
-- its order, re-resolution when the gazetteers or a ticket change, the geocoder's
-- write-back with the wrong-city guard, and the candidate views.
BEGIN;
SELECT plan(39);

-- The network's labels leave the address -------------------------------------------------
CREATE TEMP TABLE stripping (location text, address text);
INSERT INTO stripping VALUES
  ('KLM-OLT-02 / Argwings Kodhek Rd, Kilimani', 'Argwings Kodhek Rd, Kilimani'),
  ('FDH 114 - Mombasa Rd, Embakasi', 'Mombasa Rd, Embakasi'),
  ('(ODB-1234) Jogoo Rd, Pipeline', 'Jogoo Rd, Pipeline'),
  (E'"Kilimani Mall", Ngong Rd\nGate B', 'Kilimani Mall, Ngong Rd, Gate B'),
  ('Ngong Rd, Kilimani', 'Ngong Rd, Kilimani'),
  ('QOA/FDH/14 Quarry Rd near Shell', 'Quarry Rd near Shell'),
  ('ODF 3/12 Westlands Sq', 'Westlands Sq'),
  ('Splitter 4, Lenana Rd', 'Lenana Rd'),
  ('1:8 splitter - Karen Plains Rd', 'Karen Plains Rd'),
  ('Cabinet #7, Thika Rd Mall', 'Thika Rd Mall'),
  ('MH-12 opp. Total petrol station, Waiyaki Way', 'opp. Total petrol station, Waiyaki Way'),
  ('FAT 23; Kiambu Rd', 'Kiambu Rd'),
  ('OLT-02 | Outer Ring Rd', 'Outer Ring Rd'),
  ('House No. 12, Block 5, Buruburu Phase 2', 'House No. 12, Block 5, Buruburu Phase 2'),
  ('A104 Waiyaki Way', 'A104 Waiyaki Way'),
  ('[FAT 12] Links Rd, Nyali', 'Links Rd, Nyali'),
  ('KSM-ODB-0042 / Oginga Odinga St', 'Oginga Odinga St'),
  ('PTMP-OLT-1 / Pipeline Estate, Embakasi', 'Pipeline Estate, Embakasi'),
  ('Port 3, ONT 44 - Kahawa West', 'Kahawa West'),
  ('MSAN 2 Kisumu Rd', 'Kisumu Rd'),
  ('Kileleshwa', 'Kileleshwa'),
  ('Apt 4B, Riverside Drive', 'Apt 4B, Riverside Drive'),
  ('Hse 23 - Jamhuri Estate', 'Hse 23, Jamhuri Estate'),
  ('WST-FDH-07 / Woodvale Grove, Westlands', 'Woodvale Grove, Westlands'),
  ('EMB-OLT-03 / Airport North Rd', 'Airport North Rd'),
  ('(FDT-77) Kangundo Rd, Kayole', 'Kangundo Rd, Kayole'),
  ('FDT 5 - Thika Town', 'Thika Town'),
  ('ODB 0031, Magadi Rd, Rongai', 'Magadi Rd, Rongai'),
  ('Splitter 1:16 - Nyali Bridge', 'Nyali Bridge'),
  ('splitter no. 3, Links Rd', 'Links Rd'),
  ('CAB-12 / Koinange St, CBD', 'Koinange St, CBD'),
  ('JB 4 - Lang''ata Rd', 'Lang''ata Rd'),
  ('HH-22 near Galleria Mall, Karen', 'near Galleria Mall, Karen'),
  ('ODF-12/4 - Kenyatta Ave', 'Kenyatta Ave'),
  ('  Ngong Rd  ,  Dagoretti Corner  ', 'Ngong Rd, Dagoretti Corner'),
  ('KLM-OLT-02', NULL),
  ('FDH 114 -', NULL),
  ('(ODB-1234)', NULL),
  ('OLT', NULL),
  ('   ', NULL),
  ('Riverside Drive / Chiromo Rd', 'Riverside Drive, Chiromo Rd'),
  ('BTS 44 Mombasa Rd, Mlolongo', 'Mombasa Rd, Mlolongo'),
  ('Kenol Petrol Station - Kiserian Rd', 'Kenol Petrol Station, Kiserian Rd');
SELECT ok((SELECT count(*) FROM stripping) >= 40, 'the code-stripping table holds at least 40 real-looking inputs');
SELECT is_empty($$ SELECT location || ' => ' || coalesce(tickets.address_without_codes(location), 'NULL')
                     || ' (expected ' || coalesce(address, 'NULL') || ')'
                     FROM stripping WHERE tickets.address_without_codes(location) IS DISTINCT FROM address $$,
                'network codes, brackets, tags, splitter ratios and stray separators leave the address, and nothing else does');
SELECT is(tickets.address_without_codes(repeat('OLT-1 / ', 5000)), NULL, 'a long run of codes is no address, not an error');
SELECT is(tickets.location_query('KLM-OLT-02 / Argwings Kodhek Rd', 'Kilimani', 'nairobi'),
          'Argwings Kodhek Rd, Kilimani, Nairobi, Kenya', 'the query is the address, the cluster''s place, the region, Kenya');
SELECT is(tickets.location_query('Argwings Kodhek Rd, Kilimani', 'Kilimani', 'nairobi'),
          'Argwings Kodhek Rd, Kilimani, Nairobi, Kenya', 'a place the address names already is not said twice');
SELECT is(tickets.location_query('FDH 114 -', 'Kilimani', 'nairobi'), NULL, 'nothing left of the address: nothing to ask');

-- The gazetteers of these tests (codes no real gazetteer has)
INSERT INTO tickets.geo_regions (region, centre, source) VALUES
  ('testland', public.st_setsrid(public.st_makepoint(36.00, -1.00), 4326), 'gazetteer');
INSERT INTO tickets.geo_clusters (cluster_code, place, region, centre, centre_source, centre_at) VALUES
  ('TSTA', 'Alphaville', 'testland', public.st_setsrid(public.st_makepoint(36.80, -1.30), 4326), 'gazetteer', now()),
  ('TSTB', 'Betaburg', 'testland', NULL, NULL, NULL);

-- Resolution order: feed, location, cluster, region --------------------------------------
CREATE TEMP TABLE f1 AS SELECT * FROM tests.ingest('automations/inc/changes/20260625T060000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,is_actionable,cluster,region,location_name,latitude,longitude',
  'INC1,open,true,TSTA,Testland,FDH 1 - Elm Rd,-1.2921,36.8219',
  'INC2,open,true,tsta,Testland,FDH 2 - Oak Rd,,',
  'INC3,open,true,TSTB,Testland,Pine Rd,0,0',
  'INC4,open,true,,Testland,,,',
  'INC5,open,true,,,Somewhere,,',
  'INC6,closed,true,TSTA,Testland,FDH 2 - Oak Rd,,',
  ''));
SELECT results_eq($$ SELECT ticket_id, geo_source, round(latitude::numeric, 4), round(longitude::numeric, 4)
                       FROM tickets.inc WHERE ticket_id LIKE 'INC_' ORDER BY ticket_id $$,
                  $$ VALUES ('INC1', 'feed', -1.2921, 36.8219), ('INC2', 'cluster', -1.3000, 36.8000),
                            ('INC3', 'region', -1.0000, 36.0000), ('INC4', 'region', -1.0000, 36.0000),
                            ('INC5', NULL, NULL::numeric, NULL::numeric), ('INC6', 'cluster', -1.3000, 36.8000) $$,
                  'feed coordinates first, then the cluster''s centre (any case of the code), then the region''s; none: unplaced');
SELECT is_empty($$ SELECT i.ticket_id FROM tickets.inc AS i JOIN tickets.file_ledger AS l ON l.file_key LIKE '%T060000.csv'
                    WHERE i.geom IS NULL AND (i.cluster IS NOT NULL OR i.region IS NOT NULL OR i.geo_source = 'feed') $$,
                'the ingest leaves every ticket it touched placed when anything can place it');
SELECT ok((SELECT bool_and(geog IS NOT NULL AND latitude = public.st_y(geom)) FROM tickets.inc WHERE geom IS NOT NULL),
          'latitude, longitude and geog follow geom');
SELECT is_empty($$ SELECT i.ticket_id FROM tickets.inc AS i
                      JOIN tickets.location_queries AS q ON q.place_key = tickets.place_key(i.location_name, i.cluster, i.region)
                     WHERE i.geo_source IS DISTINCT FROM 'feed'
                       AND (i.geom::text IS DISTINCT FROM q.geom::text OR i.geo_source IS DISTINCT FROM q.geo_source::text) $$,
                'a ticket placed by its key has exactly the key''s place, also when the key was new in its file');
SELECT is((SELECT query FROM tickets.location_queries
            WHERE place_key = tickets.place_key('FDH 2 - Oak Rd', 'TSTA', 'testland')),
          'Oak Rd, Alphaville, Testland, Kenya', 'each location text gets its query once, kept with its key');

-- The candidates ------------------------------------------------------------------------------
SELECT set_eq($$ SELECT query FROM tickets.geocode_location_candidates WHERE query LIKE '%Testland%' $$,
              ARRAY['Elm Rd, Alphaville, Testland, Kenya', 'Oak Rd, Alphaville, Testland, Kenya', 'Pine Rd, Betaburg, Testland, Kenya'],
              'location candidates: the queries of actionable open tickets not asked yet');
SELECT is((SELECT tickets FROM tickets.geocode_location_candidates WHERE query = 'Oak Rd, Alphaville, Testland, Kenya'), 1::bigint,
          'a closed ticket is no reason to ask');
SELECT is((SELECT viewbox FROM tickets.geocode_location_candidates WHERE query = 'Oak Rd, Alphaville, Testland, Kenya'),
          '36.5500,-1.5500,37.0500,-1.0500', 'the viewbox bounds the search around the cluster''s centre');
SELECT is((SELECT viewbox FROM tickets.geocode_location_candidates WHERE query = 'Pine Rd, Betaburg, Testland, Kenya'), NULL,
          'a cluster without a centre gives no viewbox');
SELECT results_eq($$ SELECT cluster_code, query FROM tickets.geocode_cluster_candidates WHERE cluster_code LIKE 'TST%' $$,
                  $$ VALUES ('TSTB', 'Betaburg, Testland, Kenya') $$,
                  'cluster candidates: codes in tickets.inc whose cluster has no centre, with the query to ask');

-- A location answer places its tickets; the wrong-city guard -----------------------------------
SELECT is(tickets.record_location_geocode('Oak Rd, Alphaville, Testland, Kenya', 'TSTA',
            '[{"lat":"-4.05","lon":"39.66","display_name":"Oak Rd, Mombasa"},
              {"lat":"-1.31","lon":"36.81","display_name":"Oak Rd, Alphaville"}]', 'test'),
          'found', 'of several answers, the first within 25 km of the cluster''s centre wins');
SELECT results_eq($$ SELECT geo_source, round(latitude::numeric, 2), round(longitude::numeric, 2) FROM tickets.inc WHERE ticket_id = 'INC2' $$,
                  $$ VALUES ('location', -1.31, 36.81) $$, 'its tickets move to the found location at once');
SELECT results_eq($$ SELECT outcome::text, display_name, distance_km < 25, times_asked FROM tickets.geo_locations
                      WHERE query = 'Oak Rd, Alphaville, Testland, Kenya' $$,
                  $$ VALUES ('found', 'Oak Rd, Alphaville', true, 1) $$, 'the answer is recorded with its distance');
SELECT tests.ingest('automations/inc/changes/20260625T061000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,is_actionable,cluster,region,location_name',
  'INC7,open,true,TSTA,Testland,(ODB-9) Oak Rd',
  ''));
SELECT is((SELECT geo_source FROM tickets.inc WHERE ticket_id = 'INC7'), 'location',
          'a new location text whose query was answered already is placed there by the ingest');
SELECT is(tickets.record_location_geocode('Elm Rd, Alphaville, Testland, Kenya', 'TSTA',
            '[{"lat":"-0.09","lon":"34.77","display_name":"Elm Rd, Kisumu"}]', 'test'),
          'too_far', 'an answer 280 km from the cluster''s centre is too far');
SELECT is((SELECT geo_source FROM tickets.inc WHERE ticket_id = 'INC1'), 'feed', 'a feed point is never moved');
SELECT is(tickets.record_location_geocode('Pine Rd, Betaburg, Testland, Kenya', 'TSTB', '[]', 'test'), 'not_found',
          'no answer is not_found');
SELECT is(tickets.record_location_geocode('Pine Rd, Betaburg, Testland, Kenya', 'TSTB', NULL, 'test', 'HTTP 503 three times'),
          'error', 'a failure is recorded as error');
SELECT is((SELECT times_asked FROM tickets.geo_locations WHERE query = 'Pine Rd, Betaburg, Testland, Kenya'), 2,
          'asking again counts');
SELECT ok(NOT EXISTS (SELECT FROM tickets.geocode_location_candidates WHERE query LIKE '%Testland%'),
          'nothing answered is asked again before its retry age');
UPDATE tickets.geo_locations SET asked_at = now() - interval '31 days' WHERE query = 'Pine Rd, Betaburg, Testland, Kenya';
SELECT is((SELECT count(*) FROM tickets.geocode_location_candidates WHERE query LIKE '%Testland%'), 1::bigint,
          'an error older than the retry age is asked again; found and too_far answers are not');
SELECT throws_ok($$ SELECT tickets.record_location_geocode('', 'TSTA', '[]', 'test') $$, 'FT011', NULL,
                 'an answer without its query is refused (FT011)');

-- Gazetteer rows place tickets again, and a centre set by hand wins ------------------------------
SELECT is(tickets.record_cluster_geocode('TSTB', 'Betaburg, Testland, Kenya',
            '[{"lat":"-1.50","lon":"36.50","display_name":"Betaburg"}]', 'test'), 'found',
          'a cluster answer becomes the cluster''s centre');
SELECT results_eq($$ SELECT geo_source, round(latitude::numeric, 2) FROM tickets.inc WHERE ticket_id = 'INC3' $$,
                  $$ VALUES ('cluster', -1.50) $$, 'the cluster''s tickets without a better place move to it');
UPDATE tickets.geo_clusters SET centre = public.st_setsrid(public.st_makepoint(36.60, -1.60), 4326) WHERE cluster_code = 'TSTB';
SELECT results_eq($$ SELECT centre_source::text, round(public.st_y(centre)::numeric, 2) FROM tickets.geo_clusters WHERE cluster_code = 'TSTB' $$,
                  $$ VALUES ('manual', -1.60) $$, 'a centre corrected with one UPDATE becomes manual');
SELECT is((SELECT round(latitude::numeric, 2) FROM tickets.inc WHERE ticket_id = 'INC3'), -1.60,
          'and the cluster''s tickets move with it at once');
SELECT is(tickets.record_cluster_geocode('TSTB', 'Betaburg, Testland, Kenya',
            '[{"lat":"-1.50","lon":"36.50","display_name":"Betaburg"}]', 'test'), 'kept',
          'the geocoder never overwrites a manual centre');
UPDATE tickets.geo_regions SET centre = public.st_setsrid(public.st_makepoint(36.10, -1.10), 4326) WHERE region = 'testland';
SELECT is((SELECT round(latitude::numeric, 2) FROM tickets.inc WHERE ticket_id = 'INC4'), -1.10,
          'a region''s new centre moves the tickets placed by it');

SELECT tests.ingest('automations/inc/changes/20260625T061500.csv', E'ticket_id,cluster,region\nINC8,ZZQ,testland\n');
SELECT is(tickets.record_cluster_geocode('ZZQ', 'ZZQ, Testland, Kenya', '[]', 'test'), 'not_found',
          'an unknown code the geocoder cannot find is not_found');
SELECT ok(NOT EXISTS (SELECT FROM tickets.geocode_cluster_candidates WHERE cluster_code = 'ZZQ'),
          'and is not asked again before its retry age');
SELECT tickets.record_cluster_geocode('ZZQ', 'ZZQ, Testland, Kenya',
  '[{"lat":"-1.20","lon":"36.90","display_name":"Zeta Gardens, Testland, Kenya"}]', 'test');
SELECT results_eq($$ SELECT place, centre_source::text, asked_outcome::text FROM tickets.geo_clusters WHERE cluster_code = 'ZZQ' $$,
                  $$ VALUES ('Zeta Gardens', 'geocoder', 'found') $$,
                  'a code found later takes its place''s name from the answer, not the code');

-- A ticket whose location or cluster changes is placed again by the ingest ------------------------
SELECT tests.ingest('automations/inc/changes/20260625T062000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,is_actionable,cluster,region,location_name',
  'INC2,open,true,TSTB,Testland,Oak Rd',
  'INC4,open,true,TSTA,Testland,',
  ''));
SELECT results_eq($$ SELECT ticket_id, geo_source, round(latitude::numeric, 2) FROM tickets.inc
                      WHERE ticket_id IN ('INC2', 'INC4') ORDER BY 1 $$,
                  $$ VALUES ('INC2', 'cluster', -1.60), ('INC4', 'cluster', -1.30) $$,
                  'a new cluster or location places the ticket anew');
SELECT is(tickets.place_unkeyed_tickets(), 0::bigint, 'every ingested ticket has its key and place already');

SELECT * FROM finish();
ROLLBACK;
