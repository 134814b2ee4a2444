CREATE OR REPLACE FUNCTION reporting.fn_health(p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
SET TimeZone = 'Africa/Nairobi'
AS $$
BEGIN
  RETURN jsonb_build_object('schema_version', tickets.schema_version(),
                            'freshness', tickets.feed_freshness(coalesce(p_now, now())));
END;
$$;

COMMENT ON FUNCTION reporting.fn_health(timestamptz) IS
  'What a health check reports, for readers who may read neither: schema_version (tickets.schema_version, from Flyway''s
history) and freshness at p_now (tickets.feed_freshness, as in the dashboard''s payload).';

REVOKE EXECUTE ON FUNCTION reporting.fn_health(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.fn_health(timestamptz) TO fleettickets_reader;
