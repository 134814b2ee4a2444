CREATE OR REPLACE FUNCTION tickets.moment_given(p_now timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
-- What every clock-dependent function says when its p_now is NULL, said once.
BEGIN
  IF p_now IS NULL THEN
    RAISE EXCEPTION 'p_now is NULL'
      USING ERRCODE = 'FT204', DETAIL = 'Ages, SLA states, windows and history are measured at p_now.',
            HINT = 'Leave p_now out for now(), or give a time.';
  END IF;
  RETURN p_now;
END;
$$;

COMMENT ON FUNCTION tickets.moment_given(timestamptz) IS
  'p_now as given; raises FT204 when it is NULL (a clock-dependent function needs a moment).';
