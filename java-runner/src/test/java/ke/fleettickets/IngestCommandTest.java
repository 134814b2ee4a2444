package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.TestDatabase;

/** The runner's --inc-csv job against a real database: what a user of the CLI sees. */
class IngestCommandTest {

    @TempDir
    Path dir;

    private TestDatabase.Database db;

    @BeforeEach
    void freshDatabase() {
        db = TestDatabase.get().freshDatabase();
    }


    private CliRun run(String... args) {
        return CliRun.of(Map.of("DATABASE_URL", db.url()), args);
    }


    private Path file(String name, String text) throws IOException {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }



    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    @Test
    void crlfBomAndQuotedLineBreaksLoadThroughTheRunner() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Path f = file("20260625T080000.csv", concat(bom, ("Ticket_ID,Region,location_name\r\n"
                + "inc1, Nairobi ,\"Ngong Rd,\r\nKilimani\"\r\n"
                + "INC2,Kisumu,Oginga Odinga St\r\n").getBytes(StandardCharsets.UTF_8)));

        CliRun r = run("--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertTrue(r.out().contains("20260625T080000.csv"), r.out());
        assertTrue(r.out().contains("2 new"), r.out());
        assertEquals(List.of("INC1|nairobi|Ngong Rd,\r\nKilimani", "INC2|kisumu|Oginga Odinga St"),
                db.column("SELECT ticket_id || '|' || region || '|' || location_name FROM tickets.inc ORDER BY 1"));
        assertEquals("applied|manual|20260625T080000.csv", db.one(
                "SELECT outcome || '|' || mode || '|' || file_key FROM tickets.file_ledger"));
    }

    @Test
    void theLedgerRecordsTheFilesMd5AsItsEtag() throws Exception {
        Path f = file("a.csv", "ticket_id\nINC1\n");
        run("--inc-csv", f.toString(), "--apply");
        assertEquals(db.one("SELECT md5(convert_to(E'ticket_id\\nINC1\\n', 'UTF8'))"),
                db.one("SELECT etag FROM tickets.file_ledger"));
    }

    @Test
    void aDryRunChangesNothing() throws Exception {
        Path f = file("20260625T080000.csv", "ticket_id,normalized_status\nINC1,open\nINC2,closed\n");
        String before = db.one("SELECT tests.state()");

        CliRun r = run("--inc-csv", f.toString());

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertTrue(r.out().contains("dry run"), r.out());
        assertTrue(r.out().contains("2 new"), "the dry run says what it would do: " + r.out());
        assertFalse(r.out().contains("history"), "a dry run of files captures no history: " + r.out());
        assertEquals(before, db.one("SELECT tests.state()"));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.history_day"));
    }

    // --- history ---

    private static final String DAY = "\\d{4}-\\d\\d-\\d\\d \\(EAT\\)";

    @Test
    void captureHistoryAloneIsADryRunWithoutApplyAndPrintsItsLineEvenWhenQuiet() throws Exception {
        // tickets written without a capture, as a DBA's ingest from psql leaves them
        db.execute("SELECT tests.ingest('20260625T080000.csv', E'ticket_id,normalized_status,cluster\\n"
                + "INC1,closed,KLM\\nINC2,open,KLM\\nINC3,resolved,QOA\\n')");
        String before = db.one("SELECT tests.state()");

        CliRun dry = run("--capture-history");

        assertEquals(ExitCode.OK, dry.exit(), dry.err());
        assertTrue(dry.out().matches("dry run history: " + DAY + ": 2 closures, 0 reopened, 1 snapshot row"
                + " \\(rolled back: nothing was changed\\)\\R"), dry.out());
        assertEquals("0|0|0", db.one("SELECT (SELECT count(*) FROM tickets.closure_events) || '|'"
                + " || (SELECT count(*) FROM tickets.inc_daily_snapshot) || '|' || (SELECT count(*) FROM tickets.history_day)"));
        assertEquals(before, db.one("SELECT tests.state()"));

        CliRun applied = run("--capture-history", "--apply", "--quiet");

        assertEquals(ExitCode.OK, applied.exit(), applied.err());
        assertTrue(applied.out().matches("history: " + DAY + ": 2 closures, 0 reopened, 1 snapshot row\\R"),
                "alone, the history line is the run's closing line, --quiet or not: " + applied.out());
        assertEquals(List.of("INC1", "INC3"), db.column("SELECT ticket_id FROM tickets.closure_events ORDER BY 1"));

        CliRun again = run("--capture-history", "--apply", "--log-format", "json");

        assertEquals(ExitCode.OK, again.exit(), again.err());
        assertTrue(again.out().matches("\\{\"event\":\"history\",\"dry_run\":false,\"day\":\"\\d{4}-\\d\\d-\\d\\d\","
                + "\"closures\":0,\"reopened\":0,\"snapshot_rows\":0}\\R"), "nothing new, nothing written: " + again.out());
    }

    @Test
    void theRunnerLockIsGivenBackBeforeTheSessionEnds() throws Exception {
        // the server ends a closed session a moment after the client has gone; a run started
        // right after another (cron's geocoding after its drain) must not find the lock held
        for (int i = 0; i < 5; i++) {
            CliRun r = run("--capture-history", "--apply", "--quiet");

            assertEquals(ExitCode.OK, r.exit(), r.err());
            assertEquals("0", db.one("SELECT count(*) FROM tickets.runner_lock_holder()"), "run " + i);
        }
    }

    @Test
    void anAppliedIngestCapturesHistoryAfterItsFiles() throws Exception {
        Path closing = file("20260625T080000.csv", "ticket_id,normalized_status\nINC1,closed\nINC2,open\n");
        Path reopening = file("20260625T082000.csv", "ticket_id,normalized_status\nINC1,in_progress\n");
        Path closingAgain = file("20260625T084000.csv", "ticket_id,normalized_status\nINC1,resolved\n");

        CliRun first = run("--inc-csv", closing.toString(), "--apply");
        CliRun second = run("--inc-csv", reopening.toString(), "--apply");
        CliRun third = run("--inc-csv", closingAgain.toString(), "--apply", "--quiet");

        assertEquals(List.of(ExitCode.OK, ExitCode.OK, ExitCode.OK), List.of(first.exit(), second.exit(), third.exit()),
                first.err() + second.err() + third.err());
        List<String> lines = first.out().lines().toList();
        assertEquals(3, lines.size(), first.out());
        assertTrue(lines.get(1).matches("history: " + DAY + ": 1 closure, 0 reopened, 1 snapshot row"), first.out());
        assertTrue(second.out().contains(": 0 closures, 1 reopened, "), second.out());
        assertEquals(1, third.out().lines().count(), "--quiet after files keeps only the summary: " + third.out());
        assertEquals(List.of("INC1|closed|20260625T080000.csv", "INC1|resolved|20260625T084000.csv"),
                db.column("SELECT ticket_id || '|' || normalized_status || '|' || file_key FROM tickets.closure_events"
                        + " ORDER BY closure_id"), "closed, reopened and closed again: two closures, each with its file");
    }

    @Test
    void aDatabaseWithoutTheHistorySqlIsNotMigratedAndTheFilesStayCommitted() throws Exception {
        // as a database migrated by a jar older than the history capture
        db.execute("DROP FUNCTION tickets.capture_history(timestamptz)");
        Path f = file("20260625T080000.csv", "ticket_id,normalized_status\nINC1,closed\n");

        CliRun r = run("--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("fleettickets: the database at ") && r.err().contains("is not migrated (function"
                + " tickets.capture_history() does not exist [SQLSTATE 42883]); run: fleettickets migrate"), r.err());
        assertEquals("applied", db.one("SELECT outcome FROM tickets.file_ledger"), "the file's ingest stays committed");
        assertEquals("INC1", db.one("SELECT ticket_id FROM tickets.inc"));
    }

    @Test
    void theSameFileTwiceRewritesNoRow() throws Exception {
        Path f = file("20260625T080000.csv", "ticket_id,normalized_status,source_updated_at\n"
                + "INC1,open,2026-06-25 08:00:00\nINC2,closed,2026-06-25 08:00:00\n");
        assertEquals(ExitCode.OK, run("--inc-csv", f.toString(), "--apply").exit());
        List<String> versions = db.column("SELECT ticket_id || ':' || xmin FROM tickets.inc ORDER BY 1");

        CliRun again = run("--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.OK, again.exit(), again.err());
        assertTrue(again.out().contains("2 unchanged"), again.out());
        assertEquals(versions, db.column("SELECT ticket_id || ':' || xmin FROM tickets.inc ORDER BY 1"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no ticket_id column      | id,region\\nINC1,Nairobi\\n                  | line 1 | ticket_id
            duplicated header name   | ticket_id,Region,region \\nINC1,a,b\\n       | line 1 | more than once
            unterminated quote       | ticket_id,region\\nINC1,Nairobi\\n\\nINC2,"Kis\\nmu\\n | line 4 | unterminated CSV quoted field
            more fields than header  | ticket_id,region\\nINC1,Nairobi,x\\n         | line 2 | extra data
            fewer fields than header | ticket_id,region\\n\\nINC1\\n                   | line 3 | missing data for column "region"
            unterminated header quote| ticket_id,"region\\nINC1,Nairobi\\n          | line 1 | unterminated quoted field
            header again, reordered  | ticket_id,region\\nINC1,a\\nregion,ticket_id\\nb,INC2\\n | line 3 | repeats the header
            a bare CR outside quotes | ticket_id,region\\nINC1,Nai\\rrobi\\n         | line 2 | carriage return
            after quoted line breaks | ticket_id,region\\nINC1,"a\\nb"\\n\\nINC2,"c\\r\\nd"\\nINC3,e,extra\\n | line 7 | extra data
            missing after line breaks| ticket_id,region\\n"INC\\n1",a\\nINC2,b\\n\\nINC3\\n | line 6 | missing data for column "region"
            """)
    void aBadFileIsRejectedWholeWithOneLineNamingFileLineAndReason(String what, String csv, String line, String reason)
            throws Exception {
        Path good = file("20260625T080000.csv", "ticket_id\nINC0\n");
        Path bad = file("20260625T082000.csv", csv.replace("\\n", "\n").replace("\\r", "\r"));
        Path after = file("20260625T084000.csv", "ticket_id\nINC9\n");

        CliRun r = run("--inc-csv", good.toString(), bad.toString(), after.toString(), "--apply");

        assertEquals(ExitCode.REJECTED_INPUT, r.exit(), what + ": " + r.out() + r.err());
        List<String> errLines = r.err().lines().toList();
        assertEquals(1, errLines.size(), r.err());
        assertTrue(errLines.get(0).startsWith("fleettickets: rejected " + bad), r.err());
        assertTrue(errLines.get(0).contains(line + ": "), r.err());
        assertTrue(errLines.get(0).contains(reason), r.err());
        assertEquals(List.of("INC0", "INC9"), db.column("SELECT ticket_id FROM tickets.inc ORDER BY 1"),
                "nothing of the bad file is applied; the files around it are");
        assertEquals("rejected|" + line.substring(5), db.one("SELECT outcome || '|' || error_line FROM tickets.file_ledger "
                + "WHERE file_key = '20260625T082000.csv'"));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.staged_file"));
    }

    @Test
    void aFileThatIsNotUtf8IsRejected() throws Exception {
        Path bad = file("20260625T082000.csv", concat("ticket_id,region\nINC1,".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xE9, 'l', 'd', 'o', 'r', 'e', 't', '\n'}));
        Path badHeader = file("20260625T083000.csv", new byte[] {'t', 'i', 'c', 'k', 'e', 't', '_', 'i', 'd', ',',
                (byte) 0xFF, '\n', 'I', 'N', 'C', '1', ',', 'x', '\n'});
        Path badFurtherDown = file("20260625T084000.csv", concat(
                "ticket_id,region\nINC1,\"a\nb\"\n\nINC2,c\nINC3,\"d\ne\"\nINC4,".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xE9, '\n'}));

        CliRun r = run("--inc-csv", bad.toString(), badHeader.toString(), badFurtherDown.toString(), "--apply");

        assertEquals(ExitCode.REJECTED_INPUT, r.exit());
        List<String> errLines = r.err().lines().toList();
        assertEquals(3, errLines.size(), r.err());
        assertTrue(errLines.get(0).contains("line 2: invalid byte sequence for encoding \"UTF8\""), r.err());
        assertTrue(errLines.get(1).contains("line 1: header is not valid UTF-8"), r.err());
        assertTrue(errLines.get(2).contains("line 8: invalid byte sequence for encoding \"UTF8\""),
                "the line counts the quoted line breaks and the blank line before it: " + r.err());
        assertEquals("0", db.one("SELECT count(*) FROM tickets.inc"));
        assertEquals("3", db.one("SELECT count(*) FROM tickets.file_ledger WHERE outcome = 'rejected'"));
    }

    @Test
    void theEndOfDataMarkerInsideQuotesIsJustData() throws Exception {
        Path f = file("20260625T080000.csv", "ticket_id,location_name\nINC1,\"a\n\\.\nb\"\nINC2,x\n");

        CliRun r = run("--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertEquals(List.of("INC1|a\n\\.\nb", "INC2|x"),
                db.column("SELECT ticket_id || '|' || location_name FROM tickets.inc ORDER BY 1"));
    }

    @Test
    void aLineHoldingOnlyTheEndOfDataMarkerDropsNoRowAfterIt() throws Exception {
        // COPY ends its data at a line holding only \. ; records sent with their line number never are one
        Path f = file("20260625T080000.csv", "ticket_id\nINC1\n\\.\nINC2\n");

        CliRun r = run("--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertEquals(List.of("INC1", "INC2", "\\."), db.column("SELECT ticket_id FROM tickets.inc ORDER BY ticket_id COLLATE \"C\""));
    }

    @Test
    void mixedLineEndingsAndBlankLinesLoadAndLinesStillCountThem() throws Exception {
        Path f = file("20260625T080000.csv", "ticket_id,region,location_name\r\n"
                + "INC1,Nairobi,\"Ngong Rd,\r\nKilimani\"\n"   // lines 2-3, a CRLF inside quotes
                + "\r\n"                                           // 4: blank
                + "  \t\n"                                          // 5: blanks only
                + "INC2,Kisumu,x\r\n"                              // 6
                + ",Mombasa,no ticket\n"                            // 7
                + "\n\r\n");                                        // 8-9: blank, at the end

        CliRun r = run("--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertTrue(r.out().contains("3 rows: 2 new"), r.out());
        assertEquals(List.of("INC1|nairobi|Ngong Rd,\r\nKilimani", "INC2|kisumu|x"),
                db.column("SELECT ticket_id || '|' || region || '|' || location_name FROM tickets.inc ORDER BY 1"));
        assertEquals("7|ticket_id is empty", db.one("SELECT line || '|' || reason FROM tickets.rejected_row"));
    }

    @Test
    void aFileOfValuesThatOnceOverflowedIsIngestedNotAFailure() throws Exception {
        Path poison = file("20260625T080000.csv", "ticket_id,mttr,latitude,source_updated_at\nINC1,"
                + "9".repeat(20_000) + ",1." + "5".repeat(20_000) + ",10000-01-01 00:00:00\n");
        Path after = file("20260625T082000.csv", "ticket_id\nINC2\n");

        CliRun r = run("--inc-csv", poison.toString(), after.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals(List.of("INC1|", "INC2|"), db.column("SELECT ticket_id || '|' || coalesce(mttr::text, '') FROM tickets.inc ORDER BY 1"));
    }

    @Test
    void aDataErrorNoRuleForesawRejectsThatFileAndTheRunGoesOn() throws Exception {
        // a parser that raises, as an unforeseen value in a future column might make one
        db.execute("CREATE OR REPLACE FUNCTION tickets.parse_minutes(p_value text) RETURNS integer"
                + " LANGUAGE sql IMMUTABLE RETURN CASE WHEN p_value LIKE 'boom%' THEN p_value::integer END");
        Path before = file("20260625T080000.csv", "ticket_id,mttr\nINC1,5\n");
        Path bad = file("20260625T082000.csv", "ticket_id,mttr\nINC2,boom\n");
        Path after = file("20260625T084000.csv", "ticket_id,mttr\nINC3,7\n");

        CliRun r = run("--inc-csv", before.toString(), bad.toString(), after.toString(), "--apply");

        assertEquals(ExitCode.REJECTED_INPUT, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("rejected " + bad + ": invalid input syntax for type integer"), r.err());
        assertEquals(List.of("INC1", "INC3"), db.column("SELECT ticket_id FROM tickets.inc ORDER BY 1"));
        assertEquals(List.of("applied", "rejected", "applied"),
                db.column("SELECT outcome::text FROM tickets.file_ledger ORDER BY ledger_id"));
    }

    @Test
    void twoExportsJoinedIntoOneFileIngestAsOne() throws Exception {
        Path f = file("20260625T080000.csv", "ticket_id,region\r\nINC1,Nairobi\r\n\uFEFFticket_id,region\nINC2,Kisumu\n");

        CliRun r = run("--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertTrue(r.out().contains("3 rows: 2 new") && r.out().contains("header repeated 1×"), r.out());
        assertEquals(List.of("INC1", "INC2"), db.column("SELECT ticket_id FROM tickets.inc ORDER BY 1"));
        assertEquals("1", db.one("SELECT header_repeats FROM tickets.file_ledger"));
    }

    @Test
    void aVeryLongHeaderIsDecidedNotHungOn() throws Exception {
        // 150 kB of header names: refused for its 15,001 columns; one 150 kB name: accepted
        Path wide = file("20260625T080000.csv", "abcdefghi,".repeat(15_000) + "ticket_id\nINC1\n");
        Path longName = file("20260625T082000.csv", "ticket_id," + "n".repeat(150_000) + "\nINC2,x\n");

        CliRun r = run("--inc-csv", wide.toString(), longName.toString(), "--apply");

        assertEquals(ExitCode.REJECTED_INPUT, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("line 1: malformed header: 15001 columns"), r.err());
        assertEquals("INC2", db.one("SELECT ticket_id FROM tickets.inc"));
    }

    @Test
    void aFileWhoseBytesDoNotMatchItsSizeOrEtagIsNeverApplied() throws Exception {
        byte[] bytes = "ticket_id\nINC1\n".getBytes(StandardCharsets.UTF_8);
        String md5 = db.one("SELECT md5(convert_to(E'ticket_id\\nINC1\\n', 'UTF8'))");
        record Cut(long sizeBytes, String knownEtag, byte[] body) implements ChangeFile {
            public String key() { return "automations/inc/changes/20260625T080000.csv"; }
            public String name() { return key(); }
            public String label() { return "s3://isptickets/" + key(); }
            public java.io.InputStream open() { return new java.io.ByteArrayInputStream(body); }
        }
        try (java.sql.Connection c = db.connect()) {
            c.setAutoCommit(false);
            FileIngest ingest = new FileIngest(c, LedgerMode.APPLY);
            // a download cut short: fewer bytes than the listing announced
            InfrastructureException shorter = org.junit.jupiter.api.Assertions.assertThrows(InfrastructureException.class,
                    () -> ingest.ingest(new Cut(bytes.length + 100, md5, bytes)));
            assertTrue(shorter.getMessage().contains("cut short"), shorter.getMessage());
            c.rollback();
            // the right length, other bytes than the ETag says
            InfrastructureException other = org.junit.jupiter.api.Assertions.assertThrows(InfrastructureException.class,
                    () -> ingest.ingest(new Cut(bytes.length, "0123456789abcdef0123456789abcdef", bytes)));
            assertTrue(other.getMessage().contains("ETag"), other.getMessage());
            c.rollback();
            // cut in the middle of a row, or of a quoted field: it would look like a bad file
            byte[] whole = "ticket_id,region\nINC1,Nairobi\nINC2,\"Kisumu\"\n".getBytes(StandardCharsets.UTF_8);
            String wholeMd5 = db.one("SELECT md5(convert_to(E'ticket_id,region\\nINC1,Nairobi\\nINC2,\"Kisumu\"\\n', 'UTF8'))");
            for (int cut : List.of(whole.length - 12, whole.length - 5)) {
                InfrastructureException cutShort = org.junit.jupiter.api.Assertions.assertThrows(InfrastructureException.class,
                        () -> ingest.ingest(new Cut(whole.length, wholeMd5, java.util.Arrays.copyOf(whole, cut))));
                assertTrue(cutShort.getMessage().contains("cut short"), cutShort.getMessage());
                c.rollback();
            }
            assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"), "a file cut short is not recorded as rejected");
            // a multipart ETag is no MD5: only the size is checked
            assertTrue(ingest.ingest(new Cut(bytes.length, "abc-2", bytes)) instanceof FileIngest.Ingested);
            c.commit();
        }
        assertEquals(List.of("abc-2"), db.column("SELECT etag FROM tickets.file_ledger"));
    }

    @Test
    void aHostileHeaderNameIsJustData() throws Exception {
        Path f = file("20260625T080000.csv",
                "ticket_id,\"x\"\";DROP TABLE tickets.inc;--\",region\nINC1,boom,Nairobi\n");

        CliRun r = run("--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertEquals("boom", db.one("SELECT raw ->> 'x\";drop table tickets.inc;--' FROM tickets.inc"));
        assertEquals("x\";drop table tickets.inc;--", db.one("SELECT extra_columns[1] FROM tickets.file_ledger"));
    }

    @Test
    void zeroByteAndHeaderOnlyFilesAreAppliedEmpty() throws Exception {
        Path zero = file("20260625T080000.csv", new byte[0]);
        Path headerOnly = file("20260625T082000.csv", "ticket_id,region");

        CliRun r = run("--inc-csv", zero.toString(), headerOnly.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertEquals(List.of("applied|0", "applied|0"),
                db.column("SELECT outcome || '|' || rows_read FROM tickets.file_ledger ORDER BY ledger_id"));
    }

    @Test
    void filesOfBlankLinesOrABomAloneAreEmptyFilesButABlankHeaderBeforeRowsIsNot() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Path bomOnly = file("20260625T080000.csv", bom);
        Path bomCrlf = file("20260625T082000.csv", concat(bom, "\r\n".getBytes(StandardCharsets.UTF_8)));
        Path blanks = file("20260625T084000.csv", "\n  \t\r\n\n");
        Path blankHeader = file("20260625T090000.csv", "\n\nticket_id\nINC1\n");

        CliRun r = run("--inc-csv", bomOnly.toString(), bomCrlf.toString(), blanks.toString(), blankHeader.toString(),
                "--apply");

        assertEquals(ExitCode.REJECTED_INPUT, r.exit(), r.out() + r.err());
        assertEquals(List.of("applied|0", "applied|0", "applied|0", "rejected|0"),
                db.column("SELECT outcome || '|' || rows_read FROM tickets.file_ledger ORDER BY ledger_id"));
        assertTrue(r.err().contains(blankHeader + ": line 1: the header line is blank, and rows follow"), r.err());
    }

    @Test
    void filesAreIngestedOldestFirstByName() throws Exception {
        Path newer = file("20260625T082000.csv", "ticket_id,normalized_status\nINC1,closed\n");
        Path older = file("20260625T080000.csv", "ticket_id,normalized_status\nINC1,open\n");

        CliRun r = run("--inc-csv", newer.toString(), older.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertEquals("closed", db.one("SELECT normalized_status FROM tickets.inc"));
        assertEquals(List.of("20260625T080000.csv", "20260625T082000.csv"),
                db.column("SELECT file_key FROM tickets.file_ledger ORDER BY ledger_id"));
    }

    @Test
    void keyRecordsTheFileUnderTheNameGiven() throws Exception {
        Path f = file("fixed.csv", "ticket_id\nINC1\n");

        CliRun r = run("--inc-csv", f.toString(), "--key", "automations/inc/changes/20260625T080000.csv", "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertEquals("automations/inc/changes/20260625T080000.csv", db.one("SELECT file_key FROM tickets.file_ledger"));
        assertEquals("automations/inc/changes/20260625T080000.csv",
                db.one("SELECT metadata ->> 'source_max_key' FROM tickets.import_meta"));
    }

    @Test
    void usageAndConfigurationErrorsExitTwoWithOneLine() throws Exception {
        Path f = file("a.csv", "ticket_id\nINC1\n");
        List<CliRun> runs = List.of(
                CliRun.of(Map.of(), "--inc-csv", f.toString()),
                CliRun.of(Map.of("DATABASE_URL", "mysql://x"), "--inc-csv", f.toString()),
                run("--inc-csv", dir.resolve("missing.csv").toString()),
                run("--no-such-flag"),
                run(),
                run("--capture-history", "--max-requests", "5"));
        for (CliRun r : runs) {
            assertEquals(ExitCode.USAGE, r.exit(), r.err());
            assertTrue(r.err().startsWith("fleettickets: "), r.err());
        }
        assertTrue(runs.get(0).err().contains("DATABASE_URL"), runs.get(0).err());
        assertTrue(runs.get(2).err().contains("missing.csv"), runs.get(2).err());
        assertEquals("0", db.one("SELECT count(*) FROM tickets.file_ledger"));
    }

    @Test
    void withJsonLogsEvenAMistypedCommandLineIsOneJsonObject() throws Exception {
        Path f = file("a.csv", "ticket_id\nINC1\n");
        List<CliRun> runs = List.of(
                run("--log-format", "json", "--inc-csv", f.toString(), "--no-such-flag"),
                run("--no-such-flag", "--log-format=JSON"),
                CliRun.of(Map.of(), "--inc-csv", f.toString(), "--log-format", "json"));
        for (CliRun r : runs) {
            assertEquals(ExitCode.USAGE, r.exit(), r.err());
            List<String> lines = r.err().lines().toList();
            assertEquals(1, lines.size(), r.err());
            assertTrue(lines.get(0).startsWith("{\"event\":\"error\",\"exit\":2,\"message\":\""), r.err());
        }
        assertTrue(runs.get(0).err().contains("--no-such-flag"), runs.get(0).err());
        assertTrue(runs.get(2).err().contains("DATABASE_URL"), runs.get(2).err());
        assertTrue(run("--no-such-flag", "--log-format", "text").err().startsWith("fleettickets: "));
    }

    @Test
    void anUnreachableDatabaseExitsFourAndNeverPrintsThePassword() throws Exception {
        Path f = file("a.csv", "ticket_id\nINC1\n");

        CliRun r = CliRun.of(Map.of("DATABASE_URL", "postgres://u:s3cret@127.0.0.1:1/db"), "--inc-csv", f.toString());

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("127.0.0.1:1"), r.err());
        assertFalse((r.out() + r.err()).contains("s3cret"));
    }
}
