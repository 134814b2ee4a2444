package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.RunnerProcess;
import ke.fleettickets.testing.TestDatabase;

/**
 * Contract rule 11: nothing waits forever. A lock held elsewhere ends the run with a line
 * naming it; a statement past its timeout is an outage, not a bad file; a killed runner's
 * database work ends on its own, so it cannot keep the next run out.
 */
class BoundedWaitsTest {

    @TempDir
    Path dir;

    private TestDatabase.Database db;
    private Path file;

    @BeforeEach
    void freshDatabaseAndAFile() throws Exception {
        db = TestDatabase.get().freshDatabase();
        file = Files.writeString(dir.resolve("20260625T080000.csv"), "ticket_id,mttr\nINC1,5\n");
    }

    private Map<String, String> env(String lockTimeout) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", db.url()));
        env.put("FLEETTICKETS_LOCK_TIMEOUT", lockTimeout);
        return env;
    }

    /** A psql-like session holding a lock until the test is done with it. */
    private Connection holding(String sql) throws Exception {
        Connection holder = db.connect();
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            st.execute("SET application_name = 'a psql session'");
            st.execute(sql);
        }
        return holder;
    }

    private static int pid(Connection c) throws Exception {
        try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aTableLockedElsewhereEndsTheRunNamingTheTableAndWhoHoldsIt() throws Exception {
        try (Connection holder = holding("LOCK TABLE tickets.inc IN ACCESS EXCLUSIVE MODE")) {
            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(
                    () -> CliRun.of(env("1s"), "--inc-csv", file.toString(), "--apply"));
            CliRun r = run.get(60, TimeUnit.SECONDS);  // it ends while the lock is still held

            assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
            List<String> lines = r.err().lines().toList();
            assertEquals(1, lines.size(), r.err());
            assertTrue(lines.get(0).contains("lock on table tickets.inc not granted within lock_timeout (1s)"), r.err());
            assertTrue(lines.get(0).contains("pid " + pid(holder) + " (a psql session, AccessExclusiveLock"), r.err());
            assertTrue(lines.get(0).contains("[SQLSTATE FT501]"), r.err());
            holder.rollback();
        }
        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"), "an outage rejects no file");

        CliRun again = CliRun.of(env("1s"), "--inc-csv", file.toString(), "--apply");
        assertEquals(ExitCode.OK, again.exit(), again.err());
    }

    @Test
    void aLockTimeoutOutsideTheIngestStillNamesWhoHoldsLocks() throws Exception {
        try (Connection holder = holding("LOCK TABLE tickets.staged_file IN ACCESS EXCLUSIVE MODE")) {
            CliRun r = CompletableFuture.supplyAsync(
                    () -> CliRun.of(env("1s"), "--inc-csv", file.toString(), "--apply")).get(60, TimeUnit.SECONDS);

            assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("tickets.create_staging failed: canceling statement due to lock timeout"), r.err());
            assertTrue(r.err().contains("tickets.staged_file by pid " + pid(holder) + " (a psql session, AccessExclusiveLock"),
                    r.err());
            holder.rollback();
        }
    }

    @Test
    void anIngestLeftOpenInPsqlIsNamedAsTheIngestLock() throws Exception {
        try (Connection holder = holding("SELECT FROM tickets.import_meta WHERE source = 'inc' FOR UPDATE")) {
            CliRun r = CompletableFuture.supplyAsync(
                    () -> CliRun.of(env("1s"), "--inc-csv", file.toString(), "--apply")).get(60, TimeUnit.SECONDS);

            assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("the ingest lock (row inc of tickets.import_meta) not granted"), r.err());
            assertTrue(r.err().contains("pid " + pid(holder) + " (a psql session"), r.err());
            holder.rollback();
        }
    }

    @Test
    void aStatementPastItsTimeoutStopsTheRunAndRejectsNothing() throws Exception {
        // a parser slow on one value, as a pathological plan might be on a big file
        db.execute("CREATE OR REPLACE FUNCTION tickets.parse_minutes(p_value text) RETURNS integer"
                + " LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN IF p_value = 'slow' THEN PERFORM pg_sleep(5); END IF;"
                + " RETURN NULL; END $$");
        Path slow = Files.writeString(dir.resolve("20260625T082000.csv"), "ticket_id,mttr\nINC2,slow\n");
        Map<String, String> env = env("1s");
        env.put("FLEETTICKETS_STATEMENT_TIMEOUT", "1s");

        CliRun r = CliRun.of(env, "--inc-csv", file.toString(), slow.toString(), "--apply");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("canceling statement due to statement timeout"), r.err());
        assertEquals(List.of("20260625T080000.csv|applied"),
                db.column("SELECT file_key || '|' || outcome FROM tickets.file_ledger"),
                "the file before it stays applied; the slow one is not recorded as rejected");
    }

    @Test
    void aKilledRunnersDatabaseWorkEndsOnItsOwnAndTheNextRunGoesAhead() throws Exception {
        try (Connection holder = holding("LOCK TABLE tickets.inc IN ACCESS EXCLUSIVE MODE")) {
            Process runner = RunnerProcess.start(env("10min"), "--inc-csv", file.toString(), "--apply");
            String waiting = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = 'fleettickets' AND wait_event_type = 'Lock'";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<String> backend = db.column(waiting);
            while (backend.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                backend = db.column(waiting);
            }
            assertEquals(1, backend.size(), "the runner waits for the lock");

            RunnerProcess.kill(runner);

            // its backend notices the lost client during the wait (client_connection_check_interval)
            String alive = "SELECT count(*) FROM pg_stat_activity WHERE pid = " + backend.get(0);
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!"0".equals(db.one(alive)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals("0", db.one(alive), "the killed runner's backend ended while the lock was still held");
            assertEquals("0", db.one("SELECT count(*) FROM tickets.runner_lock_holder()"), "the run lock is free");
            holder.rollback();
        }
        CliRun next = CliRun.of(env("1s"), "--inc-csv", file.toString(), "--apply");
        assertEquals(ExitCode.OK, next.exit(), next.err());
    }

    @Test
    void aConnectionLostMidFileStopsTheRunSayingWhatHappenedNotThatTheRollbackFailed() throws Exception {
        try (Connection holder = holding("LOCK TABLE tickets.inc IN ACCESS EXCLUSIVE MODE")) {
            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(
                    () -> CliRun.of(env("1min"), "--inc-csv", file.toString(), "--apply"));
            String waiting = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = 'fleettickets' AND wait_event_type = 'Lock'";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (db.column(waiting).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            db.one("SELECT pg_terminate_backend(pid) FROM (" + waiting + ") AS w");  // a DBA ends the session

            CliRun r = run.get(60, TimeUnit.SECONDS);

            assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("terminating connection due to administrator command"), r.err());
            holder.rollback();
        }
        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"), "nothing was recorded");
    }

    @Test
    void timeoutsDefaultToThirtySecondsAndTenMinutesAndABadOneIsAUsageError() {
        Timeouts defaults = new Settings(Map.of()).timeouts();
        assertEquals("30s", defaults.lock());
        assertEquals("10min", defaults.statement());

        Map<String, String> env = env("forever");
        CliRun r = CliRun.of(env, "--inc-csv", file.toString(), "--apply");

        assertEquals(ExitCode.USAGE, r.exit());
        assertTrue(r.err().contains("FLEETTICKETS_LOCK_TIMEOUT must be a positive duration"), r.err());
    }
}
