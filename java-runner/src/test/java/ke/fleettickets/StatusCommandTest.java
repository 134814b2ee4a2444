package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.TestDatabase;
import ke.fleettickets.testing.TestS3;

/** {@code fleettickets status}: what a monitor reads in its exit code and JSON, on real databases. */
class StatusCommandTest {
    private static final DateTimeFormatter EAT_TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir
    Path dir;

    private TestDatabase.Database db;

    @BeforeEach
    void freshDatabase() {
        db = TestDatabase.get().freshDatabase();
    }

    private CliRun status(String... args) {
        return status(Map.of("DATABASE_URL", db.url()), args);
    }

    private static CliRun status(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "status";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(env, all);
    }

    /** A value of the JSON the run printed, read by PostgreSQL ({@code #>>}): null for JSON null. */
    private String json(CliRun r, String path) throws Exception {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement("SELECT ?::jsonb #>> ?::text[]")) {
            st.setString(1, r.out());
            st.setString(2, path);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** A change file whose rows were last updated {@code hoursAgo} hours before now, in EAT as the feed writes it. */
    private Path changeFile(String name, int hoursAgo) throws Exception {
        String at = LocalDateTime.now(ZoneId.of("Africa/Nairobi")).minusHours(hoursAgo).format(EAT_TEXT);
        Path f = dir.resolve(name);
        Files.writeString(f, "ticket_id,normalized_status,source_updated_at,cluster,latitude,longitude\n"
                + "S1,open," + at + ",,-1.2921,36.8219\n"
                + "S2,open," + at + ",KLM,,\n"
                + "S3,in_progress," + at + ",,,\n"
                + "S4,closed," + at + ",,,\n", StandardCharsets.UTF_8);
        return f;
    }

    private void ingest(Path file) {
        CliRun r = CliRun.of(Map.of("DATABASE_URL", db.url()), "--inc-csv", file.toString(), "--apply", "--quiet");
        assertTrue(r.exit() == ExitCode.OK || r.exit() == ExitCode.REJECTED_INPUT, r.err());
    }

    private String latestVersion() throws Exception {
        return db.one("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                + " ORDER BY installed_rank DESC LIMIT 1");
    }

    @Test
    void aFreshDatabaseIsStaleForItHasNoDataYet() throws Exception {
        CliRun r = status("--json");

        assertEquals(ExitCode.STALE, r.exit(), r.out() + r.err());
        assertEquals("", r.err());
        assertEquals("stale", json(r, "{status}"));
        assertEquals("6", json(r, "{exit}"));
        assertEquals("[\"no data: nothing has been ingested yet\"]", json(r, "{problems}"));
        assertEquals(latestVersion(), json(r, "{schema,version}"));
        assertEquals(latestVersion(), json(r, "{schema,jar_version}"), "the jar carries what the test migrated");
        assertEquals("[]", json(r, "{schema,pending}"));
        assertNull(json(r, "{watermark}"));
        assertEquals("[]", json(r, "{last_files}"));
        assertEquals("false", json(r, "{bucket,configured}"));
        assertNull(json(r, "{run_in_progress}"));
        assertEquals("0", json(r, "{rejected_files_24h}"));
        assertNull(json(r, "{freshness,data_fresh_to}"));
        assertEquals("4320", json(r, "{freshness,max_lag_minutes}"), "three days unless told otherwise");
        assertEquals("true", json(r, "{freshness,stale}"));
        assertEquals("0", json(r, "{geocoding,tickets}"));
        assertTrue(json(r, "{checked_at}").endsWith("+03:00"), "times are EAT: " + r.out());

        CliRun text = status();
        assertEquals(ExitCode.STALE, text.exit());
        assertTrue(text.out().startsWith("status:     stale (exit 6)\n"), text.out());
        assertTrue(text.out().contains("bucket:     bucket not configured"), text.out());
        assertTrue(text.out().contains("last files: none yet"), text.out());
    }

    @Test
    void aHealthyDatabaseExitsZeroAndSaysWhatItHolds() throws Exception {
        ingest(changeFile("20260625T080000.csv", 30));

        CliRun r = status("--json");

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals("ok", json(r, "{status}"));
        assertEquals("[]", json(r, "{problems}"));
        assertEquals("20260625T080000.csv", json(r, "{watermark}"));
        int lag = Integer.parseInt(json(r, "{freshness,content_lag_minutes}"));
        assertTrue(lag >= 30 * 60 && lag <= 30 * 60 + 2, "30 hours behind: " + lag);
        assertEquals("false", json(r, "{freshness,stale}"));
        assertEquals("20260625T080000.csv", json(r, "{last_files,0,key}"));
        assertEquals("applied", json(r, "{last_files,0,outcome}"));
        assertEquals("manual", json(r, "{last_files,0,mode}"));
        assertEquals("4", json(r, "{last_files,0,rows}"));
        assertEquals("4", json(r, "{geocoding,tickets}"));
        assertEquals("1", json(r, "{geocoding,placed_by,feed}"));
        assertEquals("1", json(r, "{geocoding,placed_by,cluster}"));
        assertEquals("2", json(r, "{geocoding,placed_by,unplaced}"));
        assertEquals("50.0", json(r, "{geocoding,placed_pct}"));
        assertEquals("3", json(r, "{geocoding,open_tickets}"));
        assertEquals("1", json(r, "{geocoding,open_unplaced}"), "S3 is open and has no place; S4 is closed");

        CliRun text = status();
        assertEquals(ExitCode.OK, text.exit(), text.out());
        assertTrue(text.out().startsWith("status:     ok\n"), text.out());
        assertTrue(text.out().contains("schema:     version " + latestVersion() + "; this jar's " + latestVersion()
                + ", nothing pending"), text.out());
        assertTrue(text.out().contains("1 d 6 h behind (--max-lag 3 d)"), text.out());
        assertTrue(text.out().contains("geocoding:  4 tickets: 50.0% unplaced, 25.0% cluster, 25.0% feed; 1 of 3 open"
                + " tickets unplaced"), text.out());
        assertTrue(text.out().contains("applied  manual  4 rows  20260625T080000.csv"), text.out());
    }

    @Test
    void staleDataExitsSixAndMaxLagSetsTheLimit() throws Exception {
        ingest(changeFile("20260625T080000.csv", 30));

        CliRun tight = status("--json", "--max-lag", "24h");
        assertEquals(ExitCode.STALE, tight.exit(), tight.out());
        assertEquals("stale", json(tight, "{status}"));
        assertEquals("1440", json(tight, "{freshness,max_lag_minutes}"));
        assertTrue(json(tight, "{problems,0}").matches("the data is stale: fresh to .* EAT, 1 d 6 h behind,"
                + " over --max-lag 1 d"), tight.out());

        assertEquals(ExitCode.OK, status("--max-lag", "1830min").exit(), "30 hours is not over 1830 minutes");
        assertEquals(ExitCode.STALE, status("--max-lag", "1d").exit());
    }

    @Test
    void dataOlderThanThreeDaysIsStaleByDefault() throws Exception {
        ingest(changeFile("20260625T080000.csv", 4 * 24));

        CliRun r = status("--json");

        assertEquals(ExitCode.STALE, r.exit(), r.out());
        assertEquals("true", json(r, "{freshness,stale}"));
        assertEquals(ExitCode.OK, status("--max-lag", "5d").exit());
    }

    @Test
    void aRejectedLatestFileExitsThreeBeforeStaleness() throws Exception {
        ingest(changeFile("20260625T080000.csv", 30));
        Path bad = dir.resolve("20260625T082000.csv");
        Files.writeString(bad, "ticket_id,normalized_status\nINC1,\"open\n", StandardCharsets.UTF_8);
        ingest(bad);

        CliRun r = status("--json", "--max-lag", "1h");

        assertEquals(ExitCode.REJECTED_INPUT, r.exit(), r.out());
        assertEquals("last_file_rejected", json(r, "{status}"));
        assertTrue(json(r, "{problems,0}").startsWith("the latest file was rejected: 20260625T082000.csv: "), r.out());
        assertTrue(json(r, "{problems,1}").startsWith("the data is stale"), "staleness is said second: " + r.out());
        assertEquals("rejected", json(r, "{last_files,0,outcome}"));
        assertEquals("1", json(r, "{rejected_files_24h}"));

        ingest(changeFile("20260625T084000.csv", 1));
        assertEquals(ExitCode.OK, status().exit(), "the next applied file ends it");
    }

    @Test
    void anUnmigratedDatabaseExitsFour() throws Exception {
        TestDatabase.Database empty = TestDatabase.get().emptyDatabase();

        CliRun r = status(Map.of("DATABASE_URL", empty.url()), "--json");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out());
        assertEquals("not_migrated", json(r, "{status}"));
        assertTrue(json(r, "{problems,0}").endsWith("is not migrated (no migration applied); run: fleettickets migrate"),
                r.out());
        assertNull(json(r, "{schema,version}"));
        assertTrue(json(r, "{schema,pending,0}").startsWith("V001 "), r.out());
        assertNull(json(r, "{freshness}"));
        assertNull(json(r, "{last_files}"));
        assertEquals("0", empty.one("SELECT count(*) FROM pg_class WHERE relname = 'flyway_schema_history'"),
                "status created nothing, not even Flyway's history");
    }

    @Test
    void migrationsOfTheJarNotAppliedYetExitFour() throws Exception {
        TestDatabase.Database old = TestDatabase.get().emptyDatabase();
        // the versioned migrations up to 012 only: the repeatable functions are written for the latest schema
        Migrations.configure().locations("classpath:db/migrations").dataSource(old.jdbcUrl(), old.user(), old.password())
                .target("12").load().migrate();

        CliRun r = status(Map.of("DATABASE_URL", old.url()), "--json");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out());
        assertEquals("not_migrated", json(r, "{status}"));
        assertEquals("012", json(r, "{schema,version}"));
        assertTrue(json(r, "{schema,pending}").contains("\"V013 history and read api\""), r.out());
        assertTrue(json(r, "{problems,0}").endsWith("; run: fleettickets migrate"), r.out());
    }

    @Test
    void anUnreachableDatabaseExitsFourWithItsReason() throws Exception {
        CliRun r = status(Map.of("DATABASE_URL", "postgres://ft:s3cret-pw@127.0.0.1:1/tracksolid"), "--json");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out());
        assertEquals("unreachable", json(r, "{status}"));
        assertEquals("127.0.0.1:1/tracksolid", json(r, "{database}"));
        assertTrue(json(r, "{problems,0}").startsWith("database unreachable at 127.0.0.1:1/tracksolid"), r.out());
        assertNull(json(r, "{schema}"));
        assertFalse(r.out().contains("s3cret-pw") || r.err().contains("s3cret-pw"), "the password is never printed");

        CliRun text = status(Map.of("DATABASE_URL", "postgres://ft:s3cret-pw@127.0.0.1:1/tracksolid"));
        assertEquals(ExitCode.INFRASTRUCTURE, text.exit());
        assertTrue(text.out().startsWith("status:     unreachable (exit 4)\n  - database unreachable at"), text.out());
    }

    @Test
    void filesWaitingInTheBucketAreCountedByWhatTheDrainWouldDo() throws Exception {
        ingest(changeFile("20260625T080000.csv", 30));
        try (TestS3 s3 = TestS3.start()) {
            s3.put("automations/inc/changes/20260625T090000.csv", "ticket_id\nX1\n");
            s3.put("automations/inc/changes/20260625T084000.csv", "ticket_id\nX2\n");
            s3.put("automations/inc/changes/_SUCCESS", "");
            Map<String, String> env = new HashMap<>(s3.env());
            env.put("DATABASE_URL", db.url());

            CliRun r = status(env, "--json");

            assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
            assertEquals("true", json(r, "{bucket,configured}"));
            assertEquals("s3://isptickets/automations/inc/changes/", json(r, "{bucket,location}"));
            assertEquals("2", json(r, "{bucket,waiting}"), "the _SUCCESS marker is no change file");
            assertEquals("2", json(r, "{bucket,ingest}"));
            assertEquals("0", json(r, "{bucket,quarantine}"));
            assertEquals("automations/inc/changes/20260625T084000.csv", json(r, "{bucket,oldest}"));
            assertEquals(3, s3.keys("automations/inc/changes/").size(), "status moved nothing");

            CliRun text = status(env);
            assertTrue(text.out().contains("bucket:     s3://isptickets/automations/inc/changes/: 2 files waiting"
                    + " (2 to ingest), oldest automations/inc/changes/20260625T084000.csv"), text.out());

            env.put("RUSTFS_ENDPOINT", "http://127.0.0.1:1");
            env.put("FLEETTICKETS_S3_MAX_ATTEMPTS", "1");
            CliRun down = status(env, "--json");
            assertEquals(ExitCode.INFRASTRUCTURE, down.exit(), down.out());
            assertEquals("bucket_unreachable", json(down, "{status}"));
            assertEquals("20260625T080000.csv", json(down, "{watermark}"), "the database's part is still there");
        }
    }

    @Test
    void itWritesNothingItWorksOnADatabaseThatRefusesWrites() throws Exception {
        ingest(changeFile("20260625T080000.csv", 30));
        db.execute("ALTER DATABASE " + db.name() + " SET default_transaction_read_only = on");
        String before = db.one("SELECT tests.state()") + db.one("SELECT count(*) FROM tickets.file_ledger");

        CliRun r = status("--json");

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals("", r.err());
        assertEquals(before, db.one("SELECT tests.state()") + db.one("SELECT count(*) FROM tickets.file_ledger"));
    }

    @Test
    void aMaxLagWithoutAUnitIsAUsageError() {
        CliRun r = status("--max-lag", "72");

        assertEquals(ExitCode.USAGE, r.exit());
        assertTrue(r.err().startsWith("fleettickets: --max-lag is a number and a unit, min, h or d (e.g. 3d, 72h,"
                + " 4320min), not 72"), r.err());
        assertEquals("", r.out());
    }
}
