-- Stage 031: the fingerprint of the source row (tickets.inc.source_digest). A row whose
-- fingerprint is the stored one is unchanged without its raw being built; any other row
-- is compared by raw as before, so the outcome is the contract's whichever path decides.
BEGIN;
SELECT plan(23);

CREATE TEMP TABLE f1 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260701T080000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,owner,source_updated_at,extra_note',
  'INC1,open,j.otieno,2026-07-01 07:00:00,first',
  'INC2,open,a.wanjiru,2026-07-01 07:00:00,',
  'INC3,open,p.kamau,2026-07-01 07:00:00,',
  ''));
SELECT is((SELECT count(*) FROM tickets.inc WHERE source_digest IS NULL), 0::bigint,
          'every ticket written by the ingest keeps the fingerprint of its source row');
SELECT is((SELECT count(DISTINCT source_digest) FROM tickets.inc), 3::bigint, 'different rows have different fingerprints');

CREATE TEMP TABLE before AS SELECT ticket_id, xmin::text AS x, source_digest, raw FROM tickets.inc;

-- The same rows, the columns in another order: the same fingerprints, nothing written --------
CREATE TEMP TABLE f2 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260701T082000.csv', concat_ws(E'\n',
  'Extra_Note,SOURCE_UPDATED_AT, owner ,ticket_id,normalized_status',
  'first,2026-07-01 07:00:00,j.otieno,INC1,open',
  ',2026-07-01 07:00:00,a.wanjiru,INC2,open',
  ',2026-07-01 07:00:00,p.kamau,INC3,open',
  ''));
SELECT results_eq($$ SELECT inserted, updated, unchanged FROM f2 $$, $$ VALUES (0, 0, 3) $$,
                  'the same rows under a header in another order and case are unchanged');
SELECT set_eq($$ SELECT ticket_id, source_digest FROM tickets.inc $$, $$ SELECT ticket_id, source_digest FROM before $$,
              'the fingerprint does not depend on the order or the case of the columns');
SELECT set_eq($$ SELECT ticket_id, xmin::text AS x FROM tickets.inc $$, $$ SELECT ticket_id, x FROM before $$,
              'no ticket row got a new version');

-- A changed field: a new fingerprint and a new version ----------------------------------------
CREATE TEMP TABLE f3 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260701T084000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,owner,source_updated_at,extra_note',
  'INC1,open,j.otieno,2026-07-01 07:00:00,second',
  'INC2,open,a.wanjiru,2026-07-01 07:00:00,',
  ''));
SELECT results_eq($$ SELECT updated, unchanged FROM f3 $$, $$ VALUES (1, 1) $$,
                  'a change in a column the contract does not know is a change');
SELECT isnt((SELECT source_digest FROM tickets.inc WHERE ticket_id = 'INC1'), (SELECT source_digest FROM before WHERE ticket_id = 'INC1'),
            'the rewritten ticket keeps the fingerprint of its new source row');
SELECT is((SELECT raw ->> 'extra_note' FROM tickets.inc WHERE ticket_id = 'INC1'), 'second', 'and its new raw');

-- Another form of the same data: another fingerprint, compared by raw, not rewritten ---------
UPDATE before SET x = i.xmin::text, source_digest = i.source_digest, raw = i.raw FROM tickets.inc AS i WHERE i.ticket_id = before.ticket_id;
CREATE TEMP TABLE f4 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260701T090000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,owner,source_updated_at,extra_note,added_later',
  ' inc2 ,open,  a.wanjiru ,2026-07-01 07:00:00,"",',
  ''));
SELECT results_eq($$ SELECT updated, unchanged FROM f4 $$, $$ VALUES (0, 1) $$,
                  'blanks around values, a quoted empty field and a new empty column are no change (decided by raw)');
SELECT is((SELECT xmin::text FROM tickets.inc WHERE ticket_id = 'INC2'), (SELECT x FROM before WHERE ticket_id = 'INC2'),
          'the ticket is not rewritten for it');
SELECT is((SELECT source_digest FROM tickets.inc WHERE ticket_id = 'INC2'), (SELECT source_digest FROM before WHERE ticket_id = 'INC2'),
          'nor its fingerprint: an unchanged ticket keeps what it had');

-- A stale row stays stale whatever its fingerprint ---------------------------------------------
CREATE TEMP TABLE f5 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260701T092000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,owner,source_updated_at,extra_note',
  'INC3,closed,p.kamau,2026-07-01 06:59:59,',
  ''));
SELECT results_eq($$ SELECT updated, unchanged, stale FROM f5 $$, $$ VALUES (0, 0, 1) $$, 'an older row is stale');

-- raw edited by hand: the fingerprint is forgotten, and the source row restores raw -----------
UPDATE tickets.inc SET raw = raw || '{"owner": "hand.edit"}' WHERE ticket_id = 'INC3';
SELECT is((SELECT source_digest FROM tickets.inc WHERE ticket_id = 'INC3'), NULL,
          'raw changed without a new fingerprint forgets the fingerprint (trigger inc_raw_edited)');
UPDATE tickets.inc SET geo_source = NULL WHERE ticket_id = 'INC2';
SELECT is((SELECT source_digest FROM tickets.inc WHERE ticket_id = 'INC2'), (SELECT source_digest FROM before WHERE ticket_id = 'INC2'),
          'an update that leaves raw alone keeps the fingerprint');
CREATE TEMP TABLE f6 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260701T094000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,owner,source_updated_at,extra_note',
  'INC3,open,p.kamau,2026-07-01 07:00:00,',
  ''));
SELECT results_eq($$ SELECT updated, unchanged FROM f6 $$, $$ VALUES (1, 0) $$,
                  'reloading the source row of an edited ticket rewrites it');
SELECT results_eq($$ SELECT raw ->> 'owner', source_digest IS NOT NULL FROM tickets.inc WHERE ticket_id = 'INC3' $$,
                  $$ VALUES ('p.kamau', true) $$, 'with the source''s raw and fingerprint again');

-- The fingerprint decides: with the trigger off, a hand edit that keeps it goes unseen --------
ALTER TABLE tickets.inc DISABLE TRIGGER inc_raw_edited;
UPDATE tickets.inc SET raw = raw || '{"owner": "unseen"}' WHERE ticket_id = 'INC3';
ALTER TABLE tickets.inc ENABLE TRIGGER inc_raw_edited;
CREATE TEMP TABLE f7 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260701T100000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,owner,source_updated_at,extra_note',
  'INC3,open,p.kamau,2026-07-01 07:00:00,',
  ''));
SELECT results_eq($$ SELECT updated, unchanged FROM f7 $$, $$ VALUES (0, 1) $$,
                  'a row whose fingerprint is the stored one is unchanged without raw being compared');
SELECT is((SELECT raw ->> 'owner' FROM tickets.inc WHERE ticket_id = 'INC3'), 'unseen',
          '(which is why a hand edit must forget the fingerprint)');

-- The salt: the column set, the cleaning rules and the functions that build raw --------------
SELECT isnt(tickets.source_digest_seed('{ticket_id,owner}'), tickets.source_digest_seed('{ticket_id,owner,extra_note}'),
            'another set of columns kept gives other fingerprints');
SELECT is(tickets.source_digest_seed('{owner,ticket_id}'), tickets.source_digest_seed('{ticket_id,owner}'),
          'the order of the columns does not');
SELECT is(tickets.source_digest_seed('{ticket_id,owner,week_start}'), tickets.source_digest_seed('{ticket_id,owner}'),
          'nor a column that is not kept');
CREATE TEMP TABLE seed_before AS SELECT tickets.source_digest_seed('{ticket_id,owner}') AS s;
UPDATE tickets.contract_column SET cleaning = 'upper' WHERE name = 'owner';
SELECT isnt(tickets.source_digest_seed('{ticket_id,owner}'), (SELECT s FROM seed_before),
            'a change of a cleaning rule gives other fingerprints');
CREATE TEMP TABLE f8 AS
SELECT * FROM tests.ingest('automations/inc/changes/20260701T102000.csv', concat_ws(E'\n',
  'ticket_id,normalized_status,owner,source_updated_at,extra_note',
  'INC3,open,p.kamau,2026-07-01 07:00:00,',
  ''));
SELECT results_eq($$ SELECT f8.updated, i.raw ->> 'owner' FROM f8, tickets.inc AS i WHERE i.ticket_id = 'INC3' $$,
                  $$ VALUES (1, 'P.KAMAU') $$, 'so the same source row under a new rule is cleaned again and rewritten');

SELECT * FROM finish();
ROLLBACK;
