CREATE OR REPLACE FUNCTION tickets.take_ingest_locks()
RETURNS void
LANGUAGE plpgsql
SET search_path = ''
AS $$
-- Takes up front, one by one, every lock an ingest needs, so that a wait cut short by
-- lock_timeout names what it waited for. One subtransaction per table, once per file.
DECLARE
  v_table regclass;
BEGIN
  FOREACH v_table IN ARRAY ARRAY['tickets.inc', 'tickets.file_ledger', 'tickets.rejected_row',
                                 'tickets.staged_file', 'tickets.import_meta']::regclass[] LOOP
    BEGIN
      EXECUTE format('LOCK TABLE %s IN ROW EXCLUSIVE MODE', v_table);
    EXCEPTION WHEN lock_not_available THEN
      RAISE EXCEPTION 'lock on table % not granted within lock_timeout (%)', v_table, current_setting('lock_timeout')
        USING ERRCODE = 'FT501', DETAIL = 'Held by: ' || tickets.lock_holders(v_table) || '.',
              HINT = 'Another session holds a conflicting lock: let it finish (or end it), then run again.';
    END;
  END LOOP;

  -- The ingest lock: the stream's state row, held until commit, one ingest at a time.
  BEGIN
    PERFORM FROM tickets.import_meta AS m WHERE m.source = 'inc' FOR UPDATE;
  EXCEPTION WHEN lock_not_available THEN
    RAISE EXCEPTION 'the ingest lock (row inc of tickets.import_meta) not granted within lock_timeout (%)',
                    current_setting('lock_timeout')
      USING ERRCODE = 'FT501', DETAIL = 'Held by: ' || tickets.lock_holders('tickets.import_meta') || '.',
            HINT = 'Another ingest is running (a psql session may have left one open): let it finish, then run again.';
  END;
END;
$$;

COMMENT ON FUNCTION tickets.take_ingest_locks() IS
  'Takes the locks an ingest needs (the tables it writes, and the ingest lock: row inc of tickets.import_meta), so a
wait cut short by lock_timeout raises FT501 naming the table and who holds it.';
