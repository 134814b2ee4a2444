package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ke.fleettickets.testing.Faults;
import ke.fleettickets.testing.RunnerProcess;
import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.TestDatabase;
import ke.fleettickets.testing.TestS3;

/** {@code --from-bucket} against a real S3 server (S3Proxy, credentials checked) and a real database. */
class BucketDrainTest {
    private static final String CHANGES = "automations/inc/changes/";
    private static final String PROCESSED = "automations/inc/processed/";
    private static final String REJECTED = "automations/inc/rejected/";

    private static final TestS3 s3 = TestS3.shared();
    private TestDatabase.Database db;

    @BeforeEach
    void freshDatabaseAndEmptyBucket() {
        s3.reset();
        db = TestDatabase.get().freshDatabase();
    }


    private Map<String, String> env() {
        return env(db);
    }

    private static Map<String, String> env(TestDatabase.Database db) {
        Map<String, String> env = new HashMap<>(s3.env());
        env.put("DATABASE_URL", db.url());
        env.put("FLEETTICKETS_S3_MAX_ATTEMPTS", "4");
        return env;
    }

    private CliRun run(String... args) {
        return CliRun.of(env(), args);
    }




    private static String csv(String... ticketIds) {
        StringBuilder b = new StringBuilder("ticket_id,normalized_status,source_updated_at\n");
        for (String id : ticketIds) {
            b.append(id).append(",open,2026-06-25 08:00:00\n");
        }
        return b.toString();
    }

    private static List<String> under(String folder) {
        return s3.keys(folder).stream().filter(k -> !k.endsWith("/")).toList();
    }

    @Test
    void drainsChangeFilesOldestFirstArchivesThemAndLeavesOtherKeysAlone() throws Exception {
        s3.put(CHANGES + "20260625T084000.csv", csv("INC3"));
        s3.put(CHANGES + "20260625T080000.csv", "ticket_id,normalized_status\nINC1,open\n");
        s3.put(CHANGES + "20260625T082000.CSV", "ticket_id,normalized_status\nINC1,closed\n");
        s3.put(CHANGES, "");
        s3.put(CHANGES + "20260625T090000.csv.part", csv("INC9"));
        s3.put(CHANGES + "_SUCCESS", "");
        s3.put(CHANGES + "README.txt", "hello");
        s3.put(CHANGES + "sub/20260625T090000.csv", csv("INC8"));
        String etag = s3.etag(CHANGES + "20260625T084000.csv");

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertTrue(r.out().contains("[1/3] " + CHANGES + "20260625T080000.csv"), r.out());
        assertTrue(r.out().contains("4 other keys left alone"), r.out());
        assertEquals("closed", db.one("SELECT normalized_status FROM tickets.inc WHERE ticket_id = 'INC1'"),
                "files are applied oldest first");
        assertEquals(List.of("INC1", "INC3"), db.column("SELECT ticket_id FROM tickets.inc ORDER BY 1"));
        assertEquals(List.of(PROCESSED + "20260625T080000.csv", PROCESSED + "20260625T082000.CSV",
                PROCESSED + "20260625T084000.csv"), under(PROCESSED));
        assertEquals(List.of(CHANGES + "20260625T090000.csv.part", CHANGES + "README.txt", CHANGES + "_SUCCESS",
                CHANGES + "sub/20260625T090000.csv"), under(CHANGES));
        assertEquals(etag, db.one("SELECT etag FROM tickets.file_ledger WHERE file_key LIKE '%T084000.csv'"),
                "the ledger keeps the bucket's ETag");
        assertEquals("3", db.one("SELECT count(*) FROM tickets.file_ledger WHERE mode = 'apply' AND outcome = 'applied'"
                + " AND archive_key LIKE '" + PROCESSED + "%' AND archived_at IS NOT NULL"));
    }

    @Test
    void aRunWithNothingNewChangesNothing() throws Exception {
        s3.put(CHANGES + "README.txt", "hello");

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertTrue(r.out().contains("0 change files"), r.out());
        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"));
        assertEquals(1, s3.faults().calls(Faults.Op.LIST), "one listing");
        assertEquals(0, s3.faults().calls(Faults.Op.GET));
    }

    @Test
    void listingFollowsPaginationPastAThousandKeys() throws Exception {
        for (int i = 0; i < 1005; i++) {
            s3.put(CHANGES + String.format("0-marker-%04d.txt", i), "");
        }
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertTrue(r.out().contains("1 change file, 1005 other keys left alone"), r.out());
        assertEquals("INC1", db.one("SELECT ticket_id FROM tickets.inc"), "the file on the second page is found");
    }

    @Test
    void aZeroByteFileIsArchivedAndIngestsNothing() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", "");

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertEquals("applied|0", db.one("SELECT outcome || '|' || rows_read FROM tickets.file_ledger"));
        assertEquals(List.of(PROCESSED + "20260625T080000.csv"), under(PROCESSED));
    }

    @Test
    void aLateFileIsStillIngestedAndRecordedAsLate() throws Exception {
        s3.put(CHANGES + "20260625T090000.csv", csv("INC9"));
        assertEquals(ExitCode.OK, run("--from-bucket", "--apply").exit());
        s3.put(CHANGES + "20260625T080000.csv", csv("INC8"));

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertTrue(r.out().contains("late"), r.out());
        assertEquals("true", db.one("SELECT late::text FROM tickets.file_ledger WHERE file_key LIKE '%T080000.csv'"));
        assertEquals(List.of("INC8", "INC9"), db.column("SELECT ticket_id FROM tickets.inc ORDER BY 1"));
        assertEquals(CHANGES + "20260625T090000.csv",
                db.one("SELECT metadata ->> 'source_max_key' FROM tickets.import_meta"), "the watermark does not go back");
    }

    @Test
    void aChangedFileIsQuarantinedNeverReloaded() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));
        assertEquals(ExitCode.OK, run("--from-bucket", "--apply").exit());
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1", "INC2"));

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.REJECTED_INPUT, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("fleettickets: quarantined s3://isptickets/" + CHANGES + "20260625T080000.csv: changed file"),
                r.err());
        assertTrue(r.out().contains("(1 file quarantined)"), r.out());
        assertEquals(List.of("INC1"), db.column("SELECT ticket_id FROM tickets.inc"), "nothing of the changed file is applied");
        assertEquals(List.of(REJECTED + "20260625T080000.csv", REJECTED + "20260625T080000.csv.error.txt"),
                under(REJECTED));
        assertTrue(new String(s3.get(REJECTED + "20260625T080000.csv.error.txt"), StandardCharsets.UTF_8)
                .contains("changed file"));
        assertEquals(List.of(), under(CHANGES));
        assertEquals("applied,quarantined", db.one("SELECT string_agg(outcome::text, ',' ORDER BY ledger_id) FROM tickets.file_ledger"));
    }

    @Test
    void aRejectedFileGoesToRejectedWithItsReasonAndTheRunGoesOn() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", "ticket_id,region\nINC1,\"Nairobi\n");
        s3.put(CHANGES + "20260625T082000.csv", csv("INC2"));

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.REJECTED_INPUT, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("20260625T080000.csv: line 2: unterminated CSV quoted field"), r.err());
        assertEquals(List.of("INC2"), db.column("SELECT ticket_id FROM tickets.inc"));
        String reason = new String(s3.get(REJECTED + "20260625T080000.csv.error.txt"), StandardCharsets.UTF_8);
        assertTrue(reason.contains("line 2: unterminated CSV quoted field"), reason);
        assertEquals(List.of(PROCESSED + "20260625T082000.csv"), under(PROCESSED));
        assertEquals(CHANGES + "20260625T082000.csv", db.one("SELECT metadata ->> 'source_max_key' FROM tickets.import_meta"));
    }

    @Test
    void aRejectedKeyUploadedAgainKeepsEveryRejectedVersion() throws Exception {
        String bad = "ticket_id,region\nINC1,\"Nairobi\n";
        String changed = "id\nINC1\n";
        s3.put(CHANGES + "20260625T080000.csv", bad);
        assertEquals(ExitCode.REJECTED_INPUT, run("--from-bucket", "--apply").exit());
        s3.put(CHANGES + "20260625T080000.csv", changed);  // the exporter tries again, with other bytes
        assertEquals(ExitCode.REJECTED_INPUT, run("--from-bucket", "--apply").exit());
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));  // and once more
        CliRun third = run("--from-bucket", "--apply");

        assertEquals(ExitCode.REJECTED_INPUT, third.exit(), third.out() + third.err());
        List<String> ids = db.column("SELECT ledger_id FROM tickets.file_ledger ORDER BY ledger_id");
        assertEquals(List.of("rejected", "quarantined", "quarantined"),
                db.column("SELECT outcome::text FROM tickets.file_ledger ORDER BY ledger_id"));
        String second = REJECTED + "20260625T080000." + ids.get(1) + ".csv";
        String last = REJECTED + "20260625T080000." + ids.get(2) + ".csv";
        assertEquals(List.of(REJECTED + "20260625T080000." + ids.get(1) + ".csv",
                        REJECTED + "20260625T080000." + ids.get(1) + ".csv.error.txt",
                        REJECTED + "20260625T080000." + ids.get(2) + ".csv",
                        REJECTED + "20260625T080000." + ids.get(2) + ".csv.error.txt",
                        REJECTED + "20260625T080000.csv", REJECTED + "20260625T080000.csv.error.txt"),
                under(REJECTED), "every rejected version stays, each with its own reason");
        assertEquals(bad, new String(s3.get(REJECTED + "20260625T080000.csv"), StandardCharsets.UTF_8));
        assertEquals(changed, new String(s3.get(second), StandardCharsets.UTF_8));
        assertEquals(csv("INC1"), new String(s3.get(last), StandardCharsets.UTF_8));
        assertTrue(new String(s3.get(REJECTED + "20260625T080000.csv.error.txt"), StandardCharsets.UTF_8)
                .contains("unterminated CSV quoted field"));
        assertTrue(new String(s3.get(last + ".error.txt"), StandardCharsets.UTF_8).contains("changed file"));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.inc"), "no version of it was applied");
        assertEquals(List.of(), under(CHANGES));
    }

    @Test
    void keysHoldingControlCharactersAreListedIngestedAndPrintedEscaped() throws Exception {
        String odd = CHANGES + "20260625T080000\u0001\ndone: 9 files.csv";
        s3.put(odd, csv("INC1"));
        s3.put(CHANGES + "20260625T082000.csv", csv("INC2"));

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals(List.of("INC1", "INC2"), db.column("SELECT ticket_id FROM tickets.inc ORDER BY 1"));
        assertTrue(r.out().contains("20260625T080000\\x01\\ndone: 9 files.csv"), r.out());
        assertEquals(5, r.out().lines().count(), "a key cannot forge a line: " + r.out());
        assertEquals(odd, db.one("SELECT file_key FROM tickets.file_ledger ORDER BY ledger_id LIMIT 1"));
        assertTrue(s3.exists(PROCESSED + "20260625T080000\u0001\ndone: 9 files.csv"));
    }

    @Test
    void aDryRunTouchesNeitherTheDatabaseNorTheBucket() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));
        s3.put(CHANGES + "20260625T082000.csv", "id\nINC2\n");
        List<String> keysBefore = s3.keys("");
        String etagBefore = s3.etag(CHANGES + "20260625T080000.csv");
        String stateBefore = db.one("SELECT tests.state()");

        CliRun r = run("--from-bucket");

        assertEquals(ExitCode.REJECTED_INPUT, r.exit(), "a dry run still says a file would be rejected");
        assertTrue(r.out().contains("dry run [1/2]") && r.out().contains("1 new"), r.out());
        assertTrue(r.err().contains("would reject"), r.err());
        assertEquals(keysBefore, s3.keys(""));
        assertEquals(etagBefore, s3.etag(CHANGES + "20260625T080000.csv"));
        assertEquals(stateBefore, db.one("SELECT tests.state()"));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"));
        assertEquals(0, s3.faults().calls(Faults.Op.PUT) + s3.faults().calls(Faults.Op.COPY)
                + s3.faults().calls(Faults.Op.DELETE));
    }

    @Test
    void s3FailingForAWhileIsRetried() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));
        s3.faults().fail(Faults.Op.LIST, 2, 503);
        s3.faults().fail(Faults.Op.GET, 1, 500);
        s3.faults().fail(Faults.Op.COPY, 2, 503);

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertEquals("INC1", db.one("SELECT ticket_id FROM tickets.inc"));
        assertEquals(List.of(PROCESSED + "20260625T080000.csv"), under(PROCESSED));
    }

    @Test
    void s3DownExitsFourWithOneLineAndChangesNothing() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));
        s3.faults().fail(Faults.Op.LIST, 100, 503);

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("S3 failed listing s3://isptickets/" + CHANGES), r.err());
        assertTrue(r.err().contains("503"), r.err());
        assertFalse(r.err().contains(s3.secretKey()), "secrets never appear");
        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"));
    }

    @Test
    void anArchiveThatFailsIsFinishedByTheNextRunWithoutIngestingAgain() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));
        s3.faults().fail(Faults.Op.COPY, 100, 500);

        CliRun first = run("--from-bucket", "--apply");

        assertEquals(ExitCode.INFRASTRUCTURE, first.exit(), first.out() + first.err());
        assertTrue(first.err().contains("copying"), first.err());
        assertEquals("applied", db.one("SELECT outcome FROM tickets.file_ledger"), "the ingest was committed");
        assertEquals(List.of(CHANGES + "20260625T080000.csv"), under(CHANGES));
        String version = db.one("SELECT xmin::text FROM tickets.inc");

        s3.faults().clear();
        CliRun second = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, second.exit(), second.err());
        assertTrue(second.out().contains("moved to " + PROCESSED), second.out());
        assertEquals("1", db.one("SELECT count(*) FROM tickets.file_ledger"), "not ingested twice");
        assertEquals(version, db.one("SELECT xmin::text FROM tickets.inc"));
        assertEquals(List.of(PROCESSED + "20260625T080000.csv"), under(PROCESSED));
        assertEquals(List.of(), under(CHANGES));
    }

    @Test
    void aRejectionWhoseMoveFailedIsFinishedByTheNextRunWithItsOwnReason() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", "ticket_id,region\nINC1,\"Nairobi\n");
        s3.faults().fail(Faults.Op.COPY, 100, 500);
        assertEquals(ExitCode.INFRASTRUCTURE, run("--from-bucket", "--apply").exit());
        s3.faults().clear();

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("moved to " + REJECTED + "20260625T080000.csv"), r.out());
        assertEquals("1", db.one("SELECT count(*) FROM tickets.file_ledger"), "recorded once");
        String reason = new String(s3.get(REJECTED + "20260625T080000.csv.error.txt"), StandardCharsets.UTF_8);
        assertTrue(reason.contains(": line 2: unterminated CSV quoted field") && !reason.contains("already"), reason);
        assertEquals(List.of(), under(CHANGES));
    }

    @Test
    void aFileReplacedWhileItIsReadIsNotAppliedAndTheNextRunTakesTheNewVersion() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));
        Faults.Gate get = s3.faults().hold(Faults.Op.GET, "20260625T080000.csv");
        CompletableFuture<CliRun> first = CompletableFuture.supplyAsync(() -> run("--from-bucket", "--apply"));
        assertTrue(get.awaitArrival(Duration.ofSeconds(30)));
        s3.put(CHANGES + "20260625T080000.csv", csv("INC2"));  // the exporter rewrites it meanwhile
        get.release();
        CliRun r = first.get(60, TimeUnit.SECONDS);

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("changed since it was listed"), r.err());
        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"));

        CliRun next = run("--from-bucket", "--apply");
        assertEquals(ExitCode.OK, next.exit(), next.err());
        assertEquals(List.of("INC2"), db.column("SELECT ticket_id FROM tickets.inc"));
        assertEquals(s3.etag(PROCESSED + "20260625T080000.csv"), db.one("SELECT etag FROM tickets.file_ledger"));
    }

    @Test
    void twoRunsAtOnceIngestNothingTwice() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));
        Faults.Gate gate = s3.faults().hold(Faults.Op.GET, "20260625T080000.csv");
        CompletableFuture<CliRun> first = CompletableFuture.supplyAsync(() -> run("--from-bucket", "--apply"));
        assertTrue(gate.awaitArrival(Duration.ofSeconds(30)), "the first run reads the file");

        CliRun second = run("--from-bucket", "--apply");
        gate.release();
        CliRun firstRun = first.get(60, TimeUnit.SECONDS);

        assertEquals(ExitCode.LOCKED, second.exit(), second.out() + second.err());
        assertTrue(second.err().contains("another fleettickets run holds the lock"), second.err());
        assertEquals(ExitCode.OK, firstRun.exit(), firstRun.err());
        assertEquals("1", db.one("SELECT count(*) FROM tickets.file_ledger"));
    }

    @Test
    void reseedIngestsEveryChangeFileAgainAndRecordsIt() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));
        s3.put(CHANGES + "20260625T082000.csv", csv("INC2"));
        assertEquals(ExitCode.OK, run("--from-bucket", "--apply").exit());
        // the cutover: the new bucket holds the same files under changes/ again
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));
        s3.put(CHANGES + "20260625T082000.csv", csv("INC2"));

        CliRun r = run("--from-bucket", "--apply", "--reseed");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertTrue(r.out().contains("reseed"), r.out());
        assertTrue(r.out().contains("\nhistory: "), "a reseed captures history too: " + r.out());
        assertEquals(List.of("reseed|" + CHANGES + "20260625T082000.csv|" + CHANGES + "20260625T082000.csv",
                        "reseed|" + CHANGES + "20260625T082000.csv|" + CHANGES + "20260625T082000.csv"),
                db.column("SELECT mode || '|' || watermark_before || '|' || watermark_after FROM tickets.file_ledger"
                        + " WHERE mode = 'reseed' ORDER BY ledger_id"));
        assertEquals(List.of(), under(CHANGES));
        assertEquals("2", db.one("SELECT sum(unchanged) FROM tickets.file_ledger WHERE mode = 'reseed'"));
    }

    @Test
    void aLockHeldOnTheLedgerEndsTheDrainNamingIt() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));
        Map<String, String> env = env();
        env.put("FLEETTICKETS_LOCK_TIMEOUT", "1s");
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE tickets.file_ledger IN ACCESS EXCLUSIVE MODE");

            CliRun r = CompletableFuture.supplyAsync(() -> CliRun.of(env, "--from-bucket", "--apply"))
                    .get(60, TimeUnit.SECONDS);

            assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("lock timeout") && r.err().contains("tickets.file_ledger by pid"), r.err());
            holder.rollback();
        }
        assertEquals(List.of(CHANGES + "20260625T080000.csv"), under(CHANGES), "the file waits for the next run");
    }

    // --- history is captured after the files of every applied drain -------------------------

    private static final String ONE_CLOSED = "ticket_id,normalized_status,closed_at,source_updated_at\n"
            + "INC1,closed,2026-06-25 07:50:00,2026-06-25 08:00:00\nINC2,open,,2026-06-25 08:00:00\n";

    @Test
    void anAppliedDrainCapturesHistoryAfterItsFilesEvenWithNoneAndADryRunDoesNot() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", ONE_CLOSED);

        CliRun dry = run("--from-bucket");

        assertEquals(ExitCode.OK, dry.exit(), dry.err());
        assertFalse(dry.out().contains("history"), dry.out());
        assertEquals("0|0", db.one("SELECT (SELECT count(*) FROM tickets.closure_events) || '|'"
                + " || (SELECT count(*) FROM tickets.history_day)"), "a dry run captures nothing");

        CliRun applied = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, applied.exit(), applied.err());
        List<String> lines = applied.out().lines().toList();
        assertEquals(4, lines.size(), applied.out());
        assertTrue(lines.get(2).matches("history: \\d{4}-\\d\\d-\\d\\d \\(EAT\\): 1 closure, 0 reopened, \\d+ snapshot rows?"),
                "after the files, before the summary: " + applied.out());
        assertTrue(lines.get(3).startsWith("done: 1 file"), applied.out());
        assertEquals(List.of("INC1|closed|" + CHANGES + "20260625T080000.csv"),
                db.column("SELECT ticket_id || '|' || normalized_status || '|' || file_key FROM tickets.closure_events"));
        assertEquals(db.one("SELECT (now() AT TIME ZONE 'Africa/Nairobi')::date::text"),
                db.one("SELECT day::text FROM tickets.history_day"));

        CliRun nothingNew = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, nothingNew.exit(), nothingNew.err());
        assertTrue(nothingNew.out().contains("0 change files") && nothingNew.out().contains(": 0 closures, 0 reopened,"),
                "a run with no file still captures: " + nothingNew.out());
        assertEquals("1", db.one("SELECT count(*) FROM tickets.closure_events"), "a closure is observed once");

        CliRun quiet = run("--from-bucket", "--apply", "--quiet");

        assertEquals(ExitCode.OK, quiet.exit(), quiet.err());
        assertEquals(1, quiet.out().lines().count(), "--quiet keeps only the summary: " + quiet.out());
    }

    @Test
    void aCaptureThatWaitsTooLongForItsLockIsAnOutageButTheFilesStayCommittedAndMoved() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", ONE_CLOSED);
        s3.put(CHANGES + "20260625T082000.csv", csv("INC3"));
        Map<String, String> env = env();
        env.put("FLEETTICKETS_LOCK_TIMEOUT", "1s");
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE tickets.closure_seen IN SHARE ROW EXCLUSIVE MODE");

            CliRun r = CompletableFuture.supplyAsync(() -> CliRun.of(env, "--from-bucket", "--apply"))
                    .get(60, TimeUnit.SECONDS);

            assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("fleettickets: history capture (tickets.capture_history) failed at ")
                    && r.err().contains("lock on table tickets.closure_seen not granted") && r.err().contains("Held by: pid")
                    && r.err().contains("[SQLSTATE FT501]") && r.err().contains("the files of this run stay committed"),
                    r.err());
            assertFalse(r.out().contains("done:"), "a run stopped by an outage has no summary: " + r.out());
            holder.rollback();
        }
        assertEquals("2", db.one("SELECT count(*) FROM tickets.file_ledger WHERE outcome = 'applied' AND archived_at IS NOT NULL"));
        assertEquals(List.of(PROCESSED + "20260625T080000.csv", PROCESSED + "20260625T082000.csv"), under(PROCESSED));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.closure_events"));

        CliRun next = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, next.exit(), next.err());
        assertTrue(next.out().contains("0 change files") && next.out().contains(": 1 closure,"), next.out());
        assertEquals("INC1", db.one("SELECT ticket_id FROM tickets.closure_events"), "the next run captures what was missed");
    }

    @Test
    void aConnectionLostDuringTheCaptureIsAnOutageButTheFilesStayCommittedAndMoved() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", ONE_CLOSED);
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE tickets.closure_seen IN SHARE ROW EXCLUSIVE MODE");
            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> run("--from-bucket", "--apply"));
            int pid = awaitRunnerWaitingForALock(Duration.ofSeconds(30));
            assertTrue(pid > 0, "the runner's capture waits for the lock");

            db.execute("SELECT pg_terminate_backend(" + pid + ")");
            CliRun r = run.get(60, TimeUnit.SECONDS);

            assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("fleettickets: history capture (tickets.capture_history) failed at ")
                    && r.err().contains("terminating connection"), r.err());
            holder.rollback();
        }
        assertEquals("applied", db.one("SELECT outcome FROM tickets.file_ledger WHERE archived_at IS NOT NULL"));
        assertEquals(List.of(PROCESSED + "20260625T080000.csv"), under(PROCESSED));
        assertEquals(List.of(), under(CHANGES));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.closure_events"));
    }

    /** The pid of this test database's runner session while it waits for a lock; -1 when none did before the deadline. */
    private int awaitRunnerWaitingForALock(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT pid FROM pg_stat_activity
                 WHERE datname = ? AND application_name = 'fleettickets' AND wait_event_type = 'Lock'""")) {
            ps.setString(1, db.name());
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getInt(1);
                    }
                }
                Thread.sleep(20);
            }
        }
        return -1;
    }

    @Test
    void missingBucketSettingsAreAConfigurationError() {
        Map<String, String> env = env();
        env.remove("RUSTFS_ENDPOINT");

        CliRun r = CliRun.of(env, "--from-bucket", "--apply");

        assertEquals(ExitCode.USAGE, r.exit());
        assertTrue(r.err().contains("RUSTFS_ENDPOINT"), r.err());
    }

    @Test
    void jsonLogsAreOneObjectPerLine() throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1"));

        CliRun r = run("--from-bucket", "--apply", "--log-format", "json");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{\"event\":\"") && l.endsWith("}")), r.out());
        assertTrue(lines.get(1).contains("\"key\":\"" + CHANGES + "20260625T080000.csv\"") && lines.get(1).contains("\"new\":1"),
                lines.get(1));
        assertTrue(lines.get(2).matches("\\{\"event\":\"history\",\"dry_run\":false,\"day\":\"\\d{4}-\\d\\d-\\d\\d\","
                + "\"closures\":0,\"reopened\":0,\"snapshot_rows\":1}"), lines.get(2));
    }

    // --- the overlap: files read ahead, moves in the background --------------------------

    /** {@code count} change files, 20 minutes apart from 08:00, each with a ticket of its own; their keys, oldest first. */
    private static List<String> changeFiles(int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = CHANGES + String.format("20260625T%02d%02d00.csv", 8 + i / 3, i % 3 * 20);
            s3.put(key, csv("INC" + (i + 1)));
            keys.add(key);
        }
        return keys;
    }

    private static String name(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private static List<String> processed(List<String> keys) {
        return keys.stream().map(k -> PROCESSED + name(k)).toList();
    }

    private static void awaitCalls(Faults.Op op, int calls) throws InterruptedException {
        for (int i = 0; i < 300 && s3.faults().calls(op) < calls; i++) {
            Thread.sleep(20);
        }
    }

    private void awaitLedgerRows(int rows) throws Exception {
        for (int i = 0; i < 300 && Integer.parseInt(db.one("SELECT count(*) FROM tickets.file_ledger")) < rows; i++) {
            Thread.sleep(20);
        }
    }

    /**
     * What a run killed or stopped anywhere must leave: every key still under changes/ is
     * new to the ledger or recorded as applied (the next run archives it), and every file
     * the ledger calls archived is where it says.
     */
    private void assertTheLedgerKnowsWhatIsLeft() throws Exception {
        List<String> left = under(CHANGES);
        for (String key : left) {
            String outcome = db.one("SELECT coalesce(max(outcome::text), 'new') FROM tickets.file_ledger WHERE file_key = '"
                    + key + "'");
            assertTrue(outcome.equals("new") || outcome.equals("applied"), key + " is " + outcome);
        }
        for (String archived : db.column("SELECT archive_key FROM tickets.file_ledger WHERE archived_at IS NOT NULL")) {
            assertTrue(s3.exists(archived), archived + " is recorded as archived");
        }
    }

    @Test
    void theNextFilesAreReadWhileOneIsIngestedYetEachIsCommittedAloneInPlanOrder() throws Exception {
        List<String> keys = changeFiles(7);
        Faults.Gate first = s3.faults().hold(Faults.Op.GET, name(keys.get(0)));
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> run("--from-bucket", "--apply"));
        assertTrue(first.awaitArrival(Duration.ofSeconds(30)), "the runner reads the first file");

        awaitCalls(Faults.Op.GET, 5);
        Thread.sleep(300);  // a sixth read would show by now
        assertEquals(5, s3.faults().calls(Faults.Op.GET), "the four next files are read while the first is, no more");
        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"), "nothing read ahead reached the database");
        first.release();
        CliRun r = run.get(60, TimeUnit.SECONDS);

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals(keys, db.column("SELECT file_key FROM tickets.file_ledger ORDER BY ledger_id"), "committed in plan order");
        List<String> before = new ArrayList<>();
        before.add("");
        before.addAll(keys.subList(0, keys.size() - 1));
        assertEquals(before, db.column("SELECT coalesce(watermark_before, '') FROM tickets.file_ledger ORDER BY ledger_id"),
                "each file committed alone, after the one before it");
        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger WHERE late OR archived_at IS NULL"));
        assertEquals(7, s3.faults().calls(Faults.Op.GET), "each file read once");
        assertEquals(processed(keys), under(PROCESSED));
        assertEquals(List.of(), under(CHANGES));
    }

    @Test
    void withTheOverlapOffEachFileWaitsForTheOneBefore() throws Exception {
        List<String> keys = changeFiles(3);
        Map<String, String> env = env();
        env.put("FLEETTICKETS_DRAIN_OVERLAP", "off");
        Faults.Gate first = s3.faults().hold(Faults.Op.GET, name(keys.get(0)));
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of(env, "--from-bucket", "--apply"));
        assertTrue(first.awaitArrival(Duration.ofSeconds(30)));

        Thread.sleep(500);
        assertEquals(1, s3.faults().calls(Faults.Op.GET), "nothing is read ahead");
        first.release();
        CliRun r = run.get(60, TimeUnit.SECONDS);

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals(keys, db.column("SELECT file_key FROM tickets.file_ledger WHERE archived_at IS NOT NULL ORDER BY ledger_id"));
        assertEquals(processed(keys), under(PROCESSED));
    }

    @Test
    void anIngestedFileIsMovedWhileTheNextAreIngestedAndTheRunEndsOnlyOnceTheMoveIsRecorded() throws Exception {
        List<String> keys = changeFiles(7);
        Faults.Gate move = s3.faults().hold(Faults.Op.COPY, name(keys.get(0)));
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> run("--from-bucket", "--apply"));
        assertTrue(move.awaitArrival(Duration.ofSeconds(30)), "the first file's move starts");

        awaitLedgerRows(7);
        assertEquals(keys, db.column("SELECT file_key FROM tickets.file_ledger ORDER BY ledger_id"),
                "the next files are ingested while the first is moved");
        assertEquals("applied", db.one("SELECT outcome || coalesce(archived_at::text, '') FROM tickets.file_ledger"
                + " WHERE file_key = '" + keys.get(0) + "'"));
        Thread.sleep(300);
        assertFalse(run.isDone(), "the run waits for the move");
        move.release();
        CliRun r = run.get(60, TimeUnit.SECONDS);

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals("7", db.one("SELECT count(*) FROM tickets.file_ledger WHERE outcome = 'applied' AND archived_at IS NOT NULL"));
        assertEquals(processed(keys), under(PROCESSED));
        assertEquals(List.of(), under(CHANGES));
    }

    @Test
    void atMostFourMovesAreInFlightAndTheDrainWaitsForThem() throws Exception {
        List<String> keys = changeFiles(7);
        Faults.Gate moves = s3.faults().hold(Faults.Op.COPY, CHANGES);
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> run("--from-bucket", "--apply"));

        awaitCalls(Faults.Op.COPY, 4);
        awaitLedgerRows(5);
        Thread.sleep(300);  // a fifth move or a sixth file would show by now
        assertEquals(4, s3.faults().calls(Faults.Op.COPY), "four moves at once");
        assertEquals(keys.subList(0, 5), db.column("SELECT file_key FROM tickets.file_ledger ORDER BY ledger_id"),
                "the fifth file committed waits for a move to end before the sixth is ingested");
        moves.release();
        CliRun r = run.get(60, TimeUnit.SECONDS);

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals("7", db.one("SELECT count(*) FROM tickets.file_ledger WHERE outcome = 'applied' AND archived_at IS NOT NULL"));
        assertEquals(processed(keys), under(PROCESSED));
    }

    /**
     * The first line of stderr of the same drain with the overlap off, on a database of its
     * own, over the files {@code arrange} puts in the emptied bucket.
     */
    private static String errWithoutTheOverlap(Runnable arrange) {
        s3.reset();
        arrange.run();
        Map<String, String> env = env(TestDatabase.get().freshDatabase());
        env.put("FLEETTICKETS_DRAIN_OVERLAP", "off");
        CliRun sequential = CliRun.of(env, "--from-bucket", "--apply");
        assertEquals(ExitCode.INFRASTRUCTURE, sequential.exit(), sequential.out() + sequential.err());
        return sequential.err();
    }

    @Test
    void aReadFailingForTheThirdOfFiveFilesLeavesTwoAppliedAndArchivedAndSaysWhatItSaidBefore() throws Exception {
        List<String> keys = changeFiles(5);
        s3.faults().fail(Faults.Op.GET, name(keys.get(2)), 100, 500);

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("fleettickets: S3 failed reading s3://isptickets/" + keys.get(2) + " at "), r.err());
        assertEquals(keys.subList(0, 2),
                db.column("SELECT file_key FROM tickets.file_ledger WHERE outcome = 'applied' AND archived_at IS NOT NULL"
                        + " ORDER BY ledger_id"), "the files before it are applied and archived");
        assertEquals("2", db.one("SELECT count(*) FROM tickets.file_ledger"), "nothing of the files after it");
        assertEquals(processed(keys.subList(0, 2)), under(PROCESSED));
        assertEquals(keys.subList(2, 5), under(CHANGES));
        assertTrue(r.out().contains("[2/5] ") && !r.out().contains("[3/5] "), r.out());
        assertFalse(r.out().contains("done:"), r.out());

        assertEquals(errWithoutTheOverlap(() -> {
            changeFiles(5);
            s3.faults().fail(Faults.Op.GET, name(keys.get(2)), 100, 500);
        }), r.err(), "the same line as without the overlap");

        s3.reset();
        keys.subList(2, 5).forEach(k -> s3.put(k, csv("INC" + (keys.indexOf(k) + 1))));  // as the failed run left them
        CliRun next = run("--from-bucket", "--apply");
        assertEquals(ExitCode.OK, next.exit(), next.out() + next.err());
        assertEquals(keys, db.column("SELECT file_key FROM tickets.file_ledger WHERE archived_at IS NOT NULL ORDER BY ledger_id"));
    }

    @Test
    void aMoveFailingInTheBackgroundIsReportedAsBeforeAndTheNextRunFinishesIt() throws Exception {
        List<String> keys = changeFiles(4);
        s3.faults().fail(Faults.Op.COPY, name(keys.get(0)), 100, 500);

        CliRun first = run("--from-bucket", "--apply");

        assertEquals(ExitCode.INFRASTRUCTURE, first.exit(), first.out() + first.err());
        assertEquals(1, first.err().lines().count(), first.err());
        assertTrue(first.err().startsWith("fleettickets: S3 failed copying s3://isptickets/" + keys.get(0) + " to "
                + PROCESSED + name(keys.get(0)) + " at "), first.err());
        assertEquals("applied", db.one("SELECT outcome || coalesce(archived_at::text, '') FROM tickets.file_ledger"
                + " WHERE file_key = '" + keys.get(0) + "'"), "committed, not archived");
        assertTrue(s3.exists(keys.get(0)));
        assertTheLedgerKnowsWhatIsLeft();
        assertEquals(db.column("SELECT file_key FROM tickets.file_ledger WHERE archived_at IS NOT NULL ORDER BY file_key"),
                keys.stream().filter(k -> !s3.exists(k)).toList(), "every file moved was recorded before the run ended");
        String firstVersion = db.one("SELECT xmin::text FROM tickets.inc WHERE ticket_id = 'INC1'");

        s3.faults().clear();
        CliRun next = run("--from-bucket", "--apply");

        assertEquals(ExitCode.OK, next.exit(), next.out() + next.err());
        assertTrue(next.out().contains(name(keys.get(0)) + "  moved to " + PROCESSED + name(keys.get(0))), next.out());
        assertEquals(keys, db.column("SELECT file_key FROM tickets.file_ledger WHERE outcome = 'applied'"
                + " AND archived_at IS NOT NULL ORDER BY ledger_id"), "each applied once, all archived");
        assertEquals(firstVersion, db.one("SELECT xmin::text FROM tickets.inc WHERE ticket_id = 'INC1'"), "not ingested again");
        assertEquals(processed(keys), under(PROCESSED));
        assertEquals(List.of(), under(CHANGES));

        String sequential = errWithoutTheOverlap(() -> {
            changeFiles(4);
            s3.faults().fail(Faults.Op.COPY, name(keys.get(0)), 100, 500);
        });
        assertEquals(sequential, first.err(), "the same line as without the overlap");
    }

    @Test
    void aMoveThatFailedIsTheNewsThoughALaterFileFailedToo() throws Exception {
        List<String> keys = changeFiles(4);
        Runnable faults = () -> {
            s3.faults().fail(Faults.Op.COPY, name(keys.get(0)), 100, 500);
            s3.faults().fail(Faults.Op.GET, name(keys.get(2)), 100, 500);
        };
        faults.run();

        CliRun r = run("--from-bucket", "--apply");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("fleettickets: S3 failed copying s3://isptickets/" + keys.get(0)), r.err());
        assertTheLedgerKnowsWhatIsLeft();
        assertEquals(errWithoutTheOverlap(() -> {
            changeFiles(4);
            faults.run();
        }), r.err(), "the first file's failure, as without the overlap, where the drain stopped at it");
    }

    @Test
    void aFileOverTheReadAheadBudgetIsNotReadAheadButStreamedAtItsTurn() throws Exception {
        List<String> keys = changeFiles(3);
        String big = CHANGES + "20260625T081000.csv";  // between the first and the second
        StringBuilder body = new StringBuilder(csv("INC9"));
        body.append("\n".repeat((int) ReadAhead.BYTES));  // blank lines: big, yet quick to ingest
        s3.put(big, body.toString());
        Faults.Gate first = s3.faults().hold(Faults.Op.GET, name(keys.get(0)));
        Faults.Gate bigRead = s3.faults().hold(Faults.Op.GET, name(big));
        Faults.Gate third = s3.faults().hold(Faults.Op.GET, name(keys.get(2)));
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> run("--from-bucket", "--apply"));
        assertTrue(first.awaitArrival(Duration.ofSeconds(30)));

        assertTrue(third.awaitArrival(Duration.ofSeconds(30)), "the files after the big one are read ahead");
        assertFalse(bigRead.awaitArrival(Duration.ofMillis(300)), "the big one is not");
        first.release();
        third.release();
        assertTrue(bigRead.awaitArrival(Duration.ofSeconds(30)), "it is read at its turn");
        assertEquals("1", db.one("SELECT count(*) FROM tickets.file_ledger"), "after the file before it was committed");
        bigRead.release();
        CliRun r = run.get(60, TimeUnit.SECONDS);

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals(List.of(keys.get(0), big, keys.get(1), keys.get(2)),
                db.column("SELECT file_key FROM tickets.file_ledger WHERE archived_at IS NOT NULL ORDER BY ledger_id"));
        assertEquals(List.of("INC1", "INC2", "INC3", "INC9"), db.column("SELECT ticket_id FROM tickets.inc ORDER BY 1"));
    }

    @Test
    void aBadOverlapSettingIsAConfigurationError() {
        Map<String, String> env = env();
        env.put("FLEETTICKETS_DRAIN_OVERLAP", "sometimes");

        CliRun r = CliRun.of(env, "--from-bucket", "--apply");

        assertEquals(ExitCode.USAGE, r.exit());
        assertEquals("fleettickets: FLEETTICKETS_DRAIN_OVERLAP must be on or off, not sometimes\n", r.err());
    }

    // --- a real kill -9 of a runner process ------------------------------------------------

    /** The request the dead runner left held never happens: it fails once released. */
    private static void dropHeld(Faults.Op op, Faults.Gate gate) throws InterruptedException {
        s3.faults().fail(op, "20260625T080000.csv", 1, 500);
        gate.release();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);  // the held server thread fails and returns
            if (!s3.faults().armed(op)) {
                return;
            }
        }
    }

    private void assertFinishedOnceAfterRestart(String key) throws Exception {
        s3.faults().clear();
        CliRun r = run("--from-bucket", "--apply");
        // the killed runner's session ends as soon as its server notices the dead socket
        for (int i = 0; i < 50 && r.exit() == ExitCode.LOCKED; i++) {
            Thread.sleep(100);
            r = run("--from-bucket", "--apply");
        }
        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals("1", db.one("SELECT count(*) FROM tickets.file_ledger WHERE outcome = 'applied'"),
                "applied exactly once: " + r.out());
        assertEquals(List.of("INC1", "INC2"), db.column("SELECT ticket_id FROM tickets.inc ORDER BY 1"));
        assertEquals(List.of(PROCESSED + key), under(PROCESSED));
        assertEquals(List.of(), under(CHANGES));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.staged_file"));
    }

    @Test
    void killedDuringCopyLosesNothing() throws Exception {
        StringBuilder big = new StringBuilder(csv("INC1", "INC2"));
        while (big.length() < 200_000) {
            big.append("INC1,open,2026-06-25 07:00:00\n");
        }
        s3.put(CHANGES + "20260625T080000.csv", big.toString());
        s3.faults().throttleGets(40_000);  // the body takes ~5 s to arrive
        Process runner = RunnerProcess.start(env(), "--from-bucket", "--apply");
        long copied = awaitRunnerCopy(Duration.ofSeconds(30));

        RunnerProcess.kill(runner);

        assertTrue(copied > 0 && copied < big.length(),
                "the runner was killed inside its COPY, " + copied + " of " + big.length() + " bytes in");

        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"), "the killed COPY left no trace");
        assertFinishedOnceAfterRestart("20260625T080000.csv");
    }

    /**
     * Waits until the server shows a runner's COPY into this test's database that has
     * received some bytes; returns how many, or -1 when none showed before the deadline.
     */
    private long awaitRunnerCopy(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT p.bytes_processed FROM pg_stat_progress_copy AS p JOIN pg_stat_activity AS a ON a.pid = p.pid
                 WHERE a.datname = ? AND a.application_name = 'fleettickets'
                   AND p.command = 'COPY FROM' AND p.type = 'PIPE' AND p.bytes_processed > 0""")) {
            ps.setString(1, db.name());
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
                Thread.sleep(20);
            }
        }
        return -1;
    }

    /** Starts a runner, lets it reach {@code op} on the file, kills it there; that request never happens. */
    private void killRunnerAt(Faults.Op op) throws Exception {
        s3.put(CHANGES + "20260625T080000.csv", csv("INC1", "INC2"));
        Faults.Gate gate = s3.faults().hold(op, "20260625T080000.csv");
        Process runner = RunnerProcess.start(env(), "--from-bucket", "--apply");
        assertTrue(gate.awaitArrival(Duration.ofSeconds(60)), "the runner reached " + op);

        RunnerProcess.kill(runner);
        dropHeld(op, gate);
    }

    @Test
    void killedAfterTheCommitBeforeTheArchiveLosesNothing() throws Exception {
        killRunnerAt(Faults.Op.COPY);

        assertEquals("applied", db.one("SELECT outcome FROM tickets.file_ledger"), "the ingest was committed");
        assertTrue(s3.exists(CHANGES + "20260625T080000.csv") && !s3.exists(PROCESSED + "20260625T080000.csv"),
                "the file was not moved");
        assertFinishedOnceAfterRestart("20260625T080000.csv");
    }

    @Test
    void killedBetweenCopyAndDeleteLosesNothing() throws Exception {
        killRunnerAt(Faults.Op.DELETE);

        assertTrue(s3.exists(PROCESSED + "20260625T080000.csv") && s3.exists(CHANGES + "20260625T080000.csv"),
                "the crash left the file in both places");
        assertFinishedOnceAfterRestart("20260625T080000.csv");
    }

    @Test
    void killedWithFilesReadAheadAndMovesInFlightLosesNothing() throws Exception {
        List<String> keys = changeFiles(7);
        Faults.Gate gate = s3.faults().hold(Faults.Op.DELETE, name(keys.get(2)));
        Process runner = RunnerProcess.start(env(), "--from-bucket", "--apply");
        assertTrue(gate.awaitArrival(Duration.ofSeconds(60)), "the runner moves the third file");

        RunnerProcess.kill(runner);
        s3.faults().fail(Faults.Op.DELETE, name(keys.get(2)), 1, 500);  // the held delete never happens
        gate.release();
        for (int i = 0; i < 100 && s3.faults().armed(Faults.Op.DELETE); i++) {
            Thread.sleep(100);
        }

        assertTrue(s3.exists(keys.get(2)) && s3.exists(PROCESSED + name(keys.get(2))), "copied, not deleted");
        assertTheLedgerKnowsWhatIsLeft();
        s3.faults().clear();
        CliRun r = run("--from-bucket", "--apply");
        for (int i = 0; i < 50 && r.exit() == ExitCode.LOCKED; i++) {
            Thread.sleep(100);
            r = run("--from-bucket", "--apply");
        }
        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals(keys, db.column("SELECT file_key FROM tickets.file_ledger WHERE outcome = 'applied' ORDER BY ledger_id"),
                "each applied exactly once, in plan order");
        assertEquals(List.of("INC1", "INC2", "INC3", "INC4", "INC5", "INC6", "INC7"),
                db.column("SELECT ticket_id FROM tickets.inc ORDER BY 1"));
        assertEquals(processed(keys), under(PROCESSED));
        assertEquals(List.of(), under(CHANGES));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.staged_file"));
    }
}
