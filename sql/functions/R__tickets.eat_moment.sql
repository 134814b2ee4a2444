CREATE OR REPLACE FUNCTION tickets.eat_moment(p_value text, p_argument text)
RETURNS timestamptz
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
-- A moment a person typed: a date alone is the start of that EAT day, a time without an
-- offset is EAT wall-clock time, one with an offset (or Z) is taken as it is.
DECLARE
  v_value text := btrim(p_value);
  v_moment timestamptz;
BEGIN
  IF v_value IS NULL OR v_value = '' THEN
    RETURN NULL;
  END IF;
  IF v_value ~ '^\d{4}-\d{2}-\d{2}$' THEN
    v_value := v_value || ' 00:00:00';
  END IF;
  IF v_value ~ '^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)$' THEN
    BEGIN  -- once per call, never per row
      v_moment := v_value::timestamptz;
    EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
      v_moment := NULL;
    END;
  ELSIF v_value ~ '^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$' THEN
    v_moment := tickets.eat_ts(v_value || ':00');
  ELSE
    v_moment := tickets.eat_ts(v_value);
  END IF;
  IF v_moment IS NULL THEN
    RAISE EXCEPTION '% is not a date or a time: %', p_argument, p_value
      USING ERRCODE = 'FT204',
            DETAIL = 'A date alone is an EAT day; a time without an offset is EAT (UTC+03:00).',
            HINT = 'Write 2026-06-22, 2026-06-22 14:00 or 2026-06-22T14:00:00+03:00.';
  END IF;
  RETURN v_moment;
END;
$$;

COMMENT ON FUNCTION tickets.eat_moment(text, text) IS
  'Reads a moment given as text (p_argument names it in the error): YYYY-MM-DD is the start of that EAT day, a time
without an offset is EAT, one with an offset or Z is taken as given; NULL or blank is NULL; anything else raises FT204.';
