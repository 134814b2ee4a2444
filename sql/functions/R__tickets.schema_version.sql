-- Flyway's table is the one name not schema-qualified: it lives in Flyway's default schema,
-- which is the search_path while Flyway runs this file, and a RETURN body binds its names
-- now, at creation, whatever search_path the function is called with later.
CREATE OR REPLACE FUNCTION tickets.schema_version()
RETURNS text
LANGUAGE sql STABLE
RETURN (SELECT h.version FROM flyway_schema_history AS h
         WHERE h.success AND h.version IS NOT NULL
         ORDER BY h.installed_rank DESC LIMIT 1);

COMMENT ON FUNCTION tickets.schema_version() IS
  'The schema version: the latest versioned migration Flyway applied successfully (e.g. 013), from its history table.';
