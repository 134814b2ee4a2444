package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.TestDatabase;
import ke.fleettickets.testing.TestS3;

/**
 * The roles of V014 as production uses them: logins made as the README says, one holding
 * only {@code fleettickets_ingest} (the runner), one only {@code fleettickets_reader} (the
 * map), one {@code fleettickets_owner} (later migrates). The runner's login does all of a
 * run's work and can change no schema; the reader's reads the API and can write nothing;
 * every refusal is SQLSTATE 42501. The logins belong to the cluster, so each test drops its own.
 */
class LeastPrivilegeTest {
    private static final String CHANGES = "automations/inc/changes/";
    private static final String PROCESSED = "automations/inc/processed/";
    private static final String REJECTED = "automations/inc/rejected/";
    private static final String PERMISSION_DENIED = "42501";
    private static final String PASSWORD = "pw-least-privilege";

    private static final TestS3 s3 = TestS3.shared();

    @TempDir
    Path dir;

    private TestDatabase.Database db;
    private final List<String> logins = new ArrayList<>();

    @BeforeEach
    void freshDatabaseAndEmptyBucket() {
        s3.reset();
        db = TestDatabase.get().freshDatabase();
    }

    @AfterEach
    void dropLogins() throws SQLException {
        for (String login : logins) {
            // whatever a failed test left to the login in this database goes with it
            db.execute("DROP OWNED BY " + login + "; DROP ROLE " + login);
        }
    }

    /** A login made as the README says: {@code CREATE ROLE x LOGIN PASSWORD '…' IN ROLE role}. */
    private String login(String prefix, String role) throws SQLException {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        String login = prefix + HexFormat.of().formatHex(b);
        db.execute("CREATE ROLE " + login + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE " + role);
        logins.add(login);
        assertEquals("false|false|false", db.one("SELECT rolsuper || '|' || rolcreaterole || '|' || rolbypassrls"
                + " FROM pg_roles WHERE rolname = '" + login + "'"), "the login has no power of its own");
        return login;
    }

    private String url(String login) {
        return db.url().replaceFirst("^postgres://[^@]*@", "postgres://" + login + ":" + PASSWORD + "@");
    }

    private Connection connect(String login) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), login, PASSWORD);
    }

    private Map<String, String> env(String login) {
        Map<String, String> env = new HashMap<>(s3.env());
        env.put("DATABASE_URL", url(login));
        env.put("FLEETTICKETS_S3_MAX_ATTEMPTS", "2");
        return env;
    }

    private static String csv(String... rows) {
        StringBuilder b = new StringBuilder(
                "ticket_id,normalized_status,cluster,region,location_name,source_updated_at,closed_at,is_actionable\n");
        for (String row : rows) {
            b.append(row).append(",true\n");
        }
        return b.toString();
    }

    private static List<String> under(String folder) {
        return s3.keys(folder).stream().filter(k -> !k.endsWith("/")).toList();
    }

    @Test
    void aLoginHoldingOnlyTheIngestRoleDrainsGeocodesAndCapturesHistory() throws Exception {
        // clusters whose place is known but not their centre: candidates for geocoding
        db.execute("INSERT INTO tickets.geo_clusters (cluster_code, place, region)"
                + " VALUES ('KBR', 'Kibera', 'nairobi'), ('MSA', 'Mombasa Island', 'mombasa')");
        String runner = login("ft_ingest_", "fleettickets_ingest");
        assertEquals("false|false", db.one("SELECT pg_has_role('" + runner + "', 'fleettickets_owner', 'MEMBER')"
                + " || '|' || pg_has_role('" + runner + "', 'fleettickets_reader', 'MEMBER')"),
                "the runner's login holds the ingest role only");

        s3.put(CHANGES + "20260625T080000.csv", csv(
                "INC1,open,KBR,Nairobi,Argwings Kodhek Rd,2026-06-25 07:50:00,",
                "INC2,open,MSA,Mombasa,Moi Avenue,2026-06-25 07:51:00,",
                "INC3,closed,KBR,Nairobi,Ngong Rd,2026-06-25 07:52:00,2026-06-25 07:40:00"));
        s3.put(CHANGES + "20260625T082000.csv", csv(
                "INC1,resolved,KBR,Nairobi,Argwings Kodhek Rd,2026-06-25 08:10:00,2026-06-25 08:05:00"));

        CliRun drain = CliRun.of(env(runner), "--from-bucket", "--apply");

        assertEquals(ExitCode.OK, drain.exit(), drain.out() + drain.err());
        assertTrue(drain.out().contains("history: "), drain.out());
        assertEquals(List.of("INC1|resolved", "INC2|open", "INC3|closed"),
                db.column("SELECT ticket_id || '|' || normalized_status FROM tickets.inc ORDER BY 1"));
        assertEquals("2", db.one("SELECT count(*) FROM tickets.file_ledger WHERE outcome = 'applied'"
                + " AND archived_at IS NOT NULL AND mode = 'apply'"), "both files recorded and archived");
        assertEquals(List.of(PROCESSED + "20260625T080000.csv", PROCESSED + "20260625T082000.csv"), under(PROCESSED));
        assertEquals(List.of("INC1", "INC3"), db.column("SELECT ticket_id FROM tickets.closure_events ORDER BY 1"),
                "the capture after the drain appended the closures");
        assertEquals("0", db.one("SELECT count(*) FROM pg_tables WHERE schemaname = 'staging'"));

        // a changed file (quarantined) and a file without ticket_id (rejected), and a good one
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1,open,KBR,Nairobi,x,2026-06-25 09:00:00,"));
        s3.put(CHANGES + "20260625T084000.csv", "ticket,normalized_status\nINC9,open\n");
        s3.put(CHANGES + "20260625T090000.csv", csv("INC4,pending,KBR,Nairobi,Lenana Rd,2026-06-25 08:55:00,"));

        CliRun dryRun = CliRun.of(env(runner), "--from-bucket");
        assertEquals(ExitCode.REJECTED_INPUT, dryRun.exit(), dryRun.out() + dryRun.err());
        assertEquals("2", db.one("SELECT count(*) FROM tickets.file_ledger"), "a dry run keeps nothing");

        CliRun second = CliRun.of(env(runner), "--from-bucket", "--apply");

        assertEquals(ExitCode.REJECTED_INPUT, second.exit(), second.out() + second.err());
        assertEquals(List.of("applied", "applied", "quarantined", "rejected", "applied"),
                db.column("SELECT outcome FROM tickets.file_ledger ORDER BY ledger_id"));
        assertEquals(List.of(REJECTED + "20260625T080000.csv", REJECTED + "20260625T080000.csv.error.txt",
                REJECTED + "20260625T084000.csv", REJECTED + "20260625T084000.csv.error.txt"), under(REJECTED));
        assertEquals(List.of(), under(CHANGES));
        assertEquals("pending", db.one("SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC4'"));

        Path local = dir.resolve("20260625T093000.csv");
        Files.writeString(local, csv("INC5,open,KBR,Nairobi,Kindaruma Rd,2026-06-25 09:25:00,"));
        CliRun file = CliRun.of(env(runner), "--inc-csv", local.toString(), "--apply");
        assertEquals(ExitCode.OK, file.exit(), file.out() + file.err());

        // offline: the gazetteer answers, through the same write-back functions
        Map<String, String> geocode = env(runner);
        geocode.remove("GEOCODER_API_KEY");
        CliRun places = CliRun.of(geocode, "--geocode-clusters", "--geocode-locations", "--apply");

        assertEquals(ExitCode.OK, places.exit(), places.out() + places.err());
        assertTrue(places.out().contains("geocode clusters: 2 asked"), places.out());
        assertTrue(places.out().contains("geocode locations: "), places.out());
        assertEquals("2", db.one("SELECT count(*) FROM tickets.geo_clusters WHERE asked_at IS NOT NULL"));
        assertEquals("offline", db.one("SELECT DISTINCT provider FROM tickets.geo_locations"));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.geocode_location_candidates"), "every query was asked");

        db.execute("UPDATE tickets.inc SET raw = raw || '{\"normalized_status\": \"closed\"}' WHERE ticket_id = 'INC5'");
        CliRun history = CliRun.of(env(runner), "--capture-history", "--apply");

        assertEquals(ExitCode.OK, history.exit(), history.out() + history.err());
        assertTrue(history.out().contains("(EAT): 1 closure,"), history.out());
        assertEquals(List.of("INC1", "INC3", "INC5"),
                db.column("SELECT ticket_id FROM tickets.closure_events ORDER BY 1"));

        assertEquals("0", db.one("SELECT count(*) FROM pg_shdepend WHERE refobjid = '" + runner + "'::regrole"
                + " AND deptype = 'o'"), "the runner's login owns nothing after all that");
        assertEquals("0", db.one("SELECT count(*) FROM pg_tables WHERE schemaname = 'staging'"));
    }

    @Test
    void theIngestLoginCopiesIntoTheStagingTableMadeForItAndMayDoNothingElseWithIt() throws Exception {
        String runner = login("ft_ingest_", "fleettickets_ingest");
        try (Connection c = connect(runner)) {
            c.setAutoCommit(false);
            String target;
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT tickets.create_staging(p_key => ?, p_header => ?, p_numbered => true)")) {
                st.setString(1, "copy.csv");
                st.setString(2, "ticket_id,normalized_status");
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    target = rs.getString(1);
                }
            }
            String table = target.substring(0, target.indexOf(' '));
            long copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY " + target + " FROM STDIN WITH (FORMAT csv, ENCODING 'UTF8')",
                    new ByteArrayInputStream("2,INC1,open\n3,INC2,closed\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(2, copied);
            assertEquals("fleettickets_owner", value(c, "SELECT tableowner FROM pg_tables"
                    + " WHERE schemaname || '.' || tablename = '" + table + "'"));

            refused(c, "SELECT count(*) FROM " + table);
            refused(c, "DELETE FROM " + table);
            refused(c, "DROP TABLE " + table);

            assertEquals("applied|2", value(c, "SELECT outcome || '|' || inserted"
                    + " FROM tickets.ingest_from_staging(p_key => 'copy.csv')"));
            c.commit();
        }
        assertEquals(List.of("INC1", "INC2"), db.column("SELECT ticket_id FROM tickets.inc ORDER BY 1"));
        assertEquals("0", db.one("SELECT count(*) FROM pg_tables WHERE schemaname = 'staging'"), "the ingest dropped it");
    }

    @Test
    void theIngestLoginChangesNoSchemaWritesNoTableDirectlyAndCannotMigrate() throws Exception {
        String runner = login("ft_ingest_", "fleettickets_ingest");
        List<Executable> checks = new ArrayList<>();
        try (Connection c = connect(runner)) {
            for (String schema : List.of("tickets", "reporting", "staging", "public")) {
                checks.add(() -> refused(c, "CREATE TABLE " + schema + ".scratch (x integer)"));
            }
            checks.add(() -> refused(c, "CREATE FUNCTION tickets.scratch() RETURNS integer LANGUAGE sql AS 'SELECT 1'"));
            checks.add(() -> refused(c, "CREATE VIEW tickets.scratch AS SELECT 1 AS x"));
            checks.add(() -> refused(c, "ALTER TABLE tickets.inc ADD COLUMN scratch integer"));
            checks.add(() -> refused(c, "DROP TABLE tickets.file_ledger"));
            checks.add(() -> refused(c, "CREATE INDEX ON tickets.inc (owner)"));
            checks.add(() -> refused(c, "CREATE OR REPLACE FUNCTION tickets.rejects_file(p_sqlstate text) RETURNS boolean"
                    + " LANGUAGE sql AS 'SELECT true'"));
            checks.add(() -> refused(c, "ALTER FUNCTION tickets.ingest_from_staging(text, text, bigint, text) SECURITY INVOKER"));
            checks.add(() -> refused(c, "SET ROLE fleettickets_owner"));
            checks.add(() -> refused(c, "SET ROLE fleettickets_reader"));
            for (String table : tables("tickets", "reporting")) {
                checks.addAll(writes(c, table));
            }
            // the helpers the ingest functions call as the owner write as their caller
            checks.add(() -> refused(c, "SELECT tickets.advance_watermark('x.csv', NULL)"));
            checks.add(() -> refused(c, "SELECT tickets.take_ingest_locks()"));
            checks.add(() -> refused(c, "SELECT tickets.place_locations()"));
            checks.add(() -> refused(c, "SELECT reporting.fn_health()"));
            checks.add(() -> refused(c, "SELECT * FROM tickets.inc_open_sla"));
            assertAll(checks);
        }

        CliRun migrate = CliRun.of(Map.of("DATABASE_URL", url(runner)), "migrate");

        assertEquals(ExitCode.INFRASTRUCTURE, migrate.exit(), migrate.out() + migrate.err());
        assertEquals(1, migrate.err().lines().count(), migrate.err());
        assertTrue(migrate.err().contains("migrate runs as a superuser or a member of fleettickets_owner, not as "
                + runner), migrate.err());
        assertTrue(migrate.err().contains("[SQLSTATE 42501]"), migrate.err());
    }

    @Test
    void theReaderCallsTheReadApiAndEveryWriteFailsWithAPermissionError() throws Exception {
        Path file = dir.resolve("20260625T080000.csv");
        Files.writeString(file, csv("INC1,open,KBR,Nairobi,Argwings Kodhek Rd,2026-06-25 07:50:00,",
                "INC2,closed,KBR,Nairobi,Ngong Rd,2026-06-25 07:52:00,2026-06-25 07:40:00"));
        CliRun ingest = CliRun.of(Map.of("DATABASE_URL", db.url()), "--inc-csv", file.toString(), "--apply");
        assertEquals(ExitCode.OK, ingest.exit(), ingest.err());
        // a file staged and left, as a psql session may leave one: the reader may not touch it either
        String staged = db.one("SELECT tickets.create_staging(p_key => 'left.csv', p_header => 'ticket_id')");
        String stagingTable = staged.substring(0, staged.indexOf(' '));
        String reader = login("ft_reader_", "fleettickets_reader");

        List<Executable> checks = new ArrayList<>();
        try (Connection c = connect(reader)) {
            for (String call : List.of("reporting.fn_inc_dashboard()",
                    "reporting.fn_inc_dashboard(p_window => '24h', p_cluster => 'KBR')",
                    "reporting.fn_inc_dashboard(p_cluster => NULL, p_status => NULL, p_window => NULL,"
                            + " p_from => now() - interval '1 day', p_to => now())",
                    "reporting.fn_tickets_for_map()",
                    "reporting.fn_nearest_open_tickets(p_lon => 36.8, p_lat => -1.3)",
                    "reporting.fn_unplaced_tickets()",
                    "reporting.fn_health()")) {
                checks.add(() -> assertTrue(value(c, "SELECT jsonb_typeof(" + call + ") IN ('object', 'array')")
                        .equals("t"), call));
            }
            checks.add(() -> assertEquals("1", value(c, "SELECT count(*) FROM tickets.inc_open_sla")));

            for (String table : tables("tickets", "reporting", "staging")) {
                checks.addAll(writes(c, table));
            }
            checks.add(() -> refusedCopy(c, staged));
            assertTrue(stagingTable.startsWith("staging.inc_"), stagingTable);
            for (String call : ingestFunctionCalls()) {
                checks.add(() -> refused(c, "SELECT " + call));
            }
            checks.add(() -> refused(c, "SELECT * FROM tickets.plan_bucket_files('[]')"));
            checks.add(() -> refused(c, "SELECT tickets.advance_watermark('x.csv', NULL)"));
            for (String schema : List.of("tickets", "reporting", "staging", "public")) {
                checks.add(() -> refused(c, "CREATE TABLE " + schema + ".scratch (x integer)"));
            }
            checks.add(() -> refused(c, "SELECT count(*) FROM tickets.inc"));
            checks.add(() -> refused(c, "SET ROLE fleettickets_ingest"));
            checks.add(() -> refused(c, "SET ROLE fleettickets_owner"));
            assertAll(checks);
        }
        assertTrue(checks.size() > 90, "every table and every ingest function was tried: " + checks.size() + " checks");
        assertEquals("2", db.one("SELECT count(*) FROM tickets.inc"));
    }

    @Test
    void aMemberOfTheOwnerRunsTheNextMigrateAndWhatItCreatesIsTheOwners() throws Exception {
        String migrator = login("ft_migrate_", "fleettickets_owner");
        // a later version: a new table and a new SECURITY DEFINER function, and a function file changed since
        Path later = Files.createDirectories(dir.resolve("later"));
        Files.writeString(later.resolve("V999__later.sql"), """
                CREATE TABLE tickets.later (x integer);
                COMMENT ON TABLE tickets.later IS 'Made by a later migration.';
                """);
        Files.writeString(later.resolve("R__tickets.later_count.sql"), """
                CREATE OR REPLACE FUNCTION tickets.later_count() RETURNS bigint
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS 'SELECT count(*) FROM tickets.later';
                REVOKE EXECUTE ON FUNCTION tickets.later_count() FROM PUBLIC;
                """);
        db.execute("DELETE FROM flyway_schema_history WHERE script = 'R__tickets.rejects_file.sql'");

        MigrateResult result = Migrations.configure()
                .locations("classpath:db/migrations", "classpath:db/functions", "filesystem:" + later)
                .dataSource(db.jdbcUrl(), migrator, PASSWORD).load().migrate();

        assertTrue(result.success);
        assertEquals(3, result.migrationsExecuted, "the new version, the new function and the changed one");
        assertEquals(List.of("fleettickets_owner|tickets.later", "fleettickets_owner|tickets.later_count"),
                db.column("SELECT pg_get_userbyid(relowner) || '|' || oid::regclass FROM pg_class"
                        + " WHERE oid = 'tickets.later'::regclass"
                        + " UNION ALL SELECT pg_get_userbyid(proowner) || '|' || oid::regproc FROM pg_proc"
                        + " WHERE oid = 'tickets.later_count'::regproc"));
        assertEquals("fleettickets_owner", db.one("SELECT pg_get_userbyid(proowner) FROM pg_proc"
                + " WHERE oid = 'tickets.rejects_file'::regproc"), "the replaced function keeps its owner");
        assertEquals(migrator, db.one("SELECT installed_by FROM flyway_schema_history WHERE script = 'V999__later.sql'"));
        assertEquals("0", db.one("SELECT count(*) FROM pg_shdepend WHERE refobjid = '" + migrator + "'::regrole"
                + " AND deptype = 'o'"), "the login that migrated owns nothing");
    }

    // --- helpers ---------------------------------------------------------------------------

    /** The tables of the schemas, as the superuser sees them now. */
    private List<String> tables(String... schemas) throws SQLException {
        return db.column("SELECT c.oid::regclass::text FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ANY ('{" + String.join(",", schemas) + "}') AND c.relkind IN ('r', 'p') ORDER BY 1");
    }

    /** INSERT, UPDATE, DELETE and TRUNCATE of a table, each expected to be refused. */
    private List<Executable> writes(Connection c, String table) throws SQLException {
        String column = db.one("SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = '" + table + "'::regclass"
                + " AND attnum > 0 AND NOT attisdropped AND attgenerated = '' AND attidentity <> 'a' ORDER BY attnum LIMIT 1");
        return List.of(
                () -> refused(c, "INSERT INTO " + table + " DEFAULT VALUES"),
                () -> refused(c, "UPDATE " + table + " SET " + column + " = " + column),
                () -> refused(c, "DELETE FROM " + table),
                () -> refused(c, "TRUNCATE " + table));
    }

    /** A call of every function the ingest role may execute that PUBLIC may not, with NULL arguments. */
    private List<String> ingestFunctionCalls() throws SQLException {
        List<String> calls = db.column("""
                SELECT p.oid::regproc::text || '(' || coalesce((SELECT string_agg('NULL::' || format_type(t, NULL), ', ' ORDER BY i)
                                                      FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)), '') || ')'
                  FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
                 WHERE n.nspname IN ('tickets', 'reporting')
                   AND has_function_privilege('fleettickets_ingest', p.oid, 'EXECUTE')
                   AND NOT has_function_privilege('public', p.oid, 'EXECUTE')
                 ORDER BY 1""");
        assertTrue(calls.stream().anyMatch(s -> s.startsWith("tickets.ingest_from_staging(")), calls.toString());
        assertTrue(calls.size() >= 9, calls.toString());
        return calls;
    }

    /** COPY into a staging target fails with a permission error. */
    private static void refusedCopy(Connection c, String target) throws Exception {
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + target + " FROM STDIN WITH (FORMAT csv)",
                    new ByteArrayInputStream("x\n".getBytes(StandardCharsets.UTF_8)));
            fail("not refused: COPY " + target);
        } catch (SQLException e) {
            assertEquals(PERMISSION_DENIED, e.getSQLState(), "COPY " + target + ": " + e.getMessage());
        }
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    /** The statement fails with a permission error (and, in a transaction, leaves it usable). */
    private static void refused(Connection c, String sql) throws SQLException {
        boolean inTransaction = !c.getAutoCommit();
        if (inTransaction) {
            try (Statement st = c.createStatement()) {
                st.execute("SAVEPOINT refused");
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute(sql);
            fail("not refused: " + sql);
        } catch (SQLException e) {
            assertEquals(PERMISSION_DENIED, e.getSQLState(), sql + ": " + e.getMessage());
        } finally {
            if (inTransaction) {
                try (Statement st = c.createStatement()) {
                    st.execute("ROLLBACK TO SAVEPOINT refused");
                }
            }
        }
        assertFalse(c.isClosed());
    }
}
