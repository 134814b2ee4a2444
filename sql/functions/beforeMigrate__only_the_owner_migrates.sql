-- Flyway runs this before every migrate. Once a database's objects belong to
-- fleettickets_owner (V014 and the afterMigrate callback), only a superuser or a member of
-- the owner may migrate it: any other login would fail part-way, on a function it may not
-- replace or a table it may not alter. A database not migrated that far is left to fail,
-- if it must, on what its next migration needs (postgis, CREATE ROLE).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_namespace AS n
              WHERE n.nspname = 'tickets' AND n.nspowner = to_regrole('fleettickets_owner'))
     AND NOT pg_catalog.pg_has_role(current_user, 'fleettickets_owner', 'USAGE') THEN
    RAISE EXCEPTION 'migrate runs as a superuser or a member of fleettickets_owner, not as %', current_user
      USING ERRCODE = '42501',
            DETAIL = 'The schema objects belong to fleettickets_owner; the runner''s and the reader''s logins may not change them.',
            HINT = 'Run migrate with the login made for it (CREATE ROLE fleettickets_migrate LOGIN PASSWORD ''...'' IN ROLE fleettickets_owner), or as a superuser.';
  END IF;
END;
$$;
