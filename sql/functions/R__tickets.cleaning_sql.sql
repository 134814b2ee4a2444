CREATE OR REPLACE FUNCTION tickets.cleaning_sql(p_cleaning text, p_value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE p_cleaning
  WHEN 'ticket_id' THEN format('tickets.clean_ticket_id(%s)', p_value)
  WHEN 'lower'     THEN format('lower(tickets.clean(%s))', p_value)
  WHEN 'upper'     THEN format('upper(tickets.clean(%s))', p_value)
  ELSE format('tickets.clean(%s)', p_value)
END;

COMMENT ON FUNCTION tickets.cleaning_sql(text, text) IS
  'The SQL expression that cleans p_value (an SQL expression) by a tickets.contract_column.cleaning rule; anything
not listed (an extra column) is trimmed.';
