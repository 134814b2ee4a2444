-- Stage 005: what the bucket drain does with each listed key, the archive record, the lock.
BEGIN;
SELECT plan(25);

CREATE TEMP TABLE listing AS SELECT jsonb_build_array(
  jsonb_build_object('key', 'automations/inc/changes/20260625T100000.csv', 'etag', '"e-new"', 'size', 10),
  jsonb_build_object('key', 'automations/inc/changes/20260625T080000.csv', 'etag', '"e-applied"', 'size', 10),
  jsonb_build_object('key', 'automations/inc/changes/20260625T082000.CSV', 'etag', '"e-changed"', 'size', 10),
  jsonb_build_object('key', 'automations/inc/changes/20260625T084000.csv', 'etag', '"e-bad"', 'size', 10),
  jsonb_build_object('key', 'automations/inc/changes/20260625T070000.csv', 'etag', '"e-late"', 'size', 0),
  jsonb_build_object('key', 'automations/inc/changes/', 'etag', '"d41d"', 'size', 0),
  jsonb_build_object('key', 'automations/inc/changes/20260625T110000.csv.part', 'etag', '"p"', 'size', 5),
  jsonb_build_object('key', 'automations/inc/changes/_SUCCESS', 'etag', '"s"', 'size', 0),
  jsonb_build_object('key', 'automations/inc/changes/README.txt', 'etag', '"r"', 'size', 3),
  jsonb_build_object('key', 'automations/inc/changes/sub/20260625T090000.csv', 'etag', '"n"', 'size', 3)
) AS l;

-- What the ledger already knows
SELECT tests.stage_bytes('automations/inc/changes/20260625T080000.csv', convert_to(E'ticket_id\nINC1\n', 'UTF8'));
SELECT tickets.ingest_from_staging(p_key => 'automations/inc/changes/20260625T080000.csv', p_etag => 'e-applied', p_mode => 'apply');
SELECT tests.stage_bytes('automations/inc/changes/20260625T082000.CSV', convert_to(E'ticket_id\nINC2\n', 'UTF8'));
SELECT tickets.ingest_from_staging(p_key => 'automations/inc/changes/20260625T082000.CSV', p_etag => 'e-original', p_mode => 'apply');
SELECT tickets.record_rejected_file(p_key => 'automations/inc/changes/20260625T084000.csv', p_reason => 'unterminated CSV quoted field',
                                    p_etag => 'e-bad', p_mode => 'apply');

CREATE TEMP TABLE plan AS SELECT * FROM tickets.plan_bucket_files((SELECT l FROM listing));

SELECT is((SELECT action FROM plan WHERE file_key LIKE '%T100000.csv'), 'ingest', 'a key the ledger has never seen is ingested');
SELECT is((SELECT action FROM plan WHERE file_key LIKE '%T080000.csv'), 'archive',
          'a file applied already with the same ETag is only archived');
SELECT is((SELECT action FROM plan WHERE file_key LIKE '%T082000.CSV'), 'quarantine',
          'the same key with another ETag is a changed file: quarantined, whatever the case of .csv');
SELECT ok((SELECT reason LIKE 'changed file:%e-original%e-changed' FROM plan WHERE file_key LIKE '%T082000.CSV'),
          'the reason names both ETags');
SELECT is((SELECT action FROM plan WHERE file_key LIKE '%T084000.csv'), 'finish_rejection',
          'a file rejected already with the same ETag only finishes its move');
SELECT is((SELECT action FROM plan WHERE file_key LIKE '%T070000.csv'), 'ingest',
          'a file named below the watermark is still ingested (the ledger marks it late)');
SELECT is((SELECT archive_key FROM plan WHERE file_key LIKE '%T080000.csv'), 'automations/inc/processed/20260625T080000.csv',
          'an applied file goes to processed/ under its name');
SELECT is((SELECT archive_key FROM plan WHERE file_key LIKE '%T084000.csv'), 'automations/inc/rejected/20260625T084000.csv',
          'a rejected file goes to rejected/ under its name');
SELECT set_eq($$ SELECT file_key FROM plan WHERE action = 'ignore' $$,
              ARRAY['automations/inc/changes/', 'automations/inc/changes/20260625T110000.csv.part', 'automations/inc/changes/_SUCCESS',
                    'automations/inc/changes/README.txt', 'automations/inc/changes/sub/20260625T090000.csv'],
              'folder markers, .part files, _SUCCESS, other files and nested keys are ignored');
SELECT is(ARRAY(SELECT tickets.file_name(file_key) FROM plan WHERE action <> 'ignore'),
          ARRAY['20260625T070000.csv', '20260625T080000.csv', '20260625T082000.CSV', '20260625T084000.csv', '20260625T100000.csv'],
          'files come oldest first, by name in byte order');
SELECT is((SELECT etag FROM plan WHERE file_key LIKE '%T100000.csv'), 'e-new', 'ETags lose their quotes');
SELECT is((SELECT count(*) FROM tickets.plan_bucket_files((SELECT l FROM listing), p_reseed => true) WHERE action = 'ingest'),
          5::bigint, 'a reseed ingests every change file whatever the ledger says');
SELECT is((SELECT count(*) FROM tickets.plan_bucket_files('[]')), 0::bigint, 'an empty listing plans nothing');

-- Changed files are quarantined, and no version overwrites another in rejected/
CREATE TEMP TABLE q1 AS SELECT * FROM tickets.record_quarantined_file(
  p_key => 'automations/inc/changes/20260625T084000.csv', p_etag => 'e-bad-2', p_mode => 'apply');
SELECT results_eq($$ SELECT outcome::text, error LIKE 'changed file: ledger row % has ETag e-bad, the bucket now has e-bad-2%' FROM q1 $$,
                  $$ VALUES ('quarantined', true) $$, 'a changed file is recorded as quarantined, naming both ETags');
SELECT is((SELECT archive_key FROM q1), 'automations/inc/rejected/20260625T084000.' || (SELECT ledger_id FROM q1) || '.csv',
          'a second rejected version of a name gets its ledger id in its name: the first copy is not overwritten');
SELECT is((SELECT archive_key FROM tickets.plan_bucket_files(jsonb_build_array(jsonb_build_object(
             'key', 'automations/inc/changes/20260625T084000.csv', 'etag', 'e-bad-2', 'size', 10)))),
          (SELECT archive_key FROM q1), 'a quarantined file whose move did not finish goes where the ledger said');
SELECT is((SELECT action FROM tickets.plan_bucket_files(jsonb_build_array(jsonb_build_object(
             'key', 'automations/inc/changes/20260625T084000.csv', 'etag', 'e-bad-2', 'size', 10)))),
          'finish_rejection', 'a quarantined file seen again with the same ETag only finishes its move');
SELECT throws_ok($$ SELECT tickets.record_quarantined_file(p_key => 'automations/inc/changes/20260625T084000.csv', p_etag => 'e-bad-2') $$,
                 'FT010', NULL, 'the same ETag again is not a changed file (FT010)');

-- The archive record
SELECT lives_ok($$ SELECT tickets.record_archived('automations/inc/changes/20260625T080000.csv', 'e-applied',
                                                  'automations/inc/processed/20260625T080000.csv') $$,
                'an applied file can be recorded as archived');
SELECT results_eq($$ SELECT archive_key, archived_at IS NOT NULL FROM tickets.file_ledger
                      WHERE file_key = 'automations/inc/changes/20260625T080000.csv' $$,
                  $$ VALUES ('automations/inc/processed/20260625T080000.csv', true) $$,
                  'the ledger row keeps where the file went and when');
SELECT throws_ok($$ SELECT tickets.record_archived('automations/inc/changes/nope.csv', 'x', 'y') $$, 'FT006', NULL,
                 'archiving a file the ledger does not know is refused (FT006)');

-- The one-writer lock
SELECT ok(tickets.try_runner_lock(), 'the first session takes the runner lock');
SELECT is((SELECT pid FROM tickets.runner_lock_holder()), pg_backend_pid(), 'the lock holder is visible with its pid');
SELECT ok(tickets.release_runner_lock(), 'the session releases the lock before it disconnects');
SELECT is((SELECT count(*) FROM tickets.runner_lock_holder()), 0::bigint, 'and nobody holds it then');

SELECT * FROM finish();
ROLLBACK;
