package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.TestDatabase;

/**
 * The README's "From psql" recipe, run as written by psql, lands a file exactly as the
 * runner does, in one transaction or in several.
 */
class ReadmeRecipeTest {

    /** The file name the README uses. */
    private static final String FILE = "20260625T142003.csv";

    /** Ties, duplicates, an alarm, a row without ticket, a quoted line break, bad values. */
    private static final String CSV = String.join("\r\n",
            "ticket_id,region,location_name,is_alarm,source_updated_at,closed_at,latitude,longitude,week_start",
            "INC1,Nairobi,first,false,2026-06-25 10:00:00,,-1.29,36.82,2026-06-22",
            ",Kisumu,no ticket,false,2026-06-25 10:00:00,,,,2026-06-22",
            "INC1,Nairobi,\"second, tie\r\nwins\",false,2026-06-25 10:00:00,,,,2026-06-22",
            "INC2,Mombasa,alarm,true,2026-06-25 10:00:00,,,,2026-06-22",
            "INC3, kilifi ,bad date,no,2026-06-25T09:00:00.5,2026-02-30 10:00:00,0,0,2026-06-22",
            "INC3,Kilifi,older,no,2026-06-25 08:00:00,,,,2026-06-22",
            "inc4,Nakuru,,n,n/a,,,,2026-06-22",
            "");

    @TempDir
    Path dir;

    @Test
    void theRecipeAsWrittenLandsAFileAsTheRunnerDoes() throws Exception {
        Path psql = psql();
        Files.writeString(dir.resolve(FILE), CSV);
        TestDatabase.Database byHand = TestDatabase.get().freshDatabase();
        TestDatabase.Database byRunner = TestDatabase.get().freshDatabase();

        Result r = runPsql(psql, byHand, recipe());
        CliRun runner = CliRun.of(Map.of("DATABASE_URL", byRunner.url()),
                "--inc-csv", dir.resolve(FILE).toString(), "--apply");

        assertEquals(0, r.exit(), r.output());
        assertEquals(ExitCode.OK, runner.exit(), runner.err());
        for (String sql : List.of(
                "SELECT ticket_id || ' ' || raw::text || ' ' || coalesce(public.st_astext(geom), '-') FROM tickets.inc ORDER BY 1",
                "SELECT concat_ws(' ', file_key, outcome, rows_read, inserted, updated, unchanged, stale, duplicates, alarm,"
                        + " sentinel, rejected_rows, extra_columns) FROM tickets.file_ledger",
                "SELECT line || ' ' || row_text FROM tickets.rejected_row ORDER BY line",
                "SELECT metadata ->> 'source_max_key' FROM tickets.import_meta",
                "SELECT day::text FROM tickets.history_day")) {
            assertEquals(byRunner.column(sql), byHand.column(sql), sql);
        }
        assertEquals(List.of("INC1|second, tie\r\nwins", "INC3|bad date", "INC4|"),
                byHand.column("SELECT ticket_id || '|' || coalesce(location_name, '') FROM tickets.inc ORDER BY 1"),
                "the later of two equal timestamps wins, and a newer row beats a later one");
        assertEquals("3 ,Kisumu,no ticket,false,2026-06-25 10:00:00,,,", byHand.one(
                "SELECT line || ' ' || row_text FROM tickets.rejected_row"));
        assertEquals("1", byHand.one("SELECT count(*) FROM tickets.history_day"), "the recipe captures history too");
    }

    @Test
    void theSameCallsInSeveralTransactionsLandTheSameFile() throws Exception {
        Path psql = psql();
        Files.writeString(dir.resolve(FILE), CSV);
        TestDatabase.Database inOne = TestDatabase.get().freshDatabase();
        TestDatabase.Database inSeveral = TestDatabase.get().freshDatabase();
        String autocommit = recipe().lines()
                .filter(l -> !l.equals("BEGIN;") && !l.equals("COMMIT;"))
                .reduce("", (a, l) -> a + l + "\n");
        assertNotEquals(recipe(), autocommit, "the recipe has its BEGIN and COMMIT");

        Result one = runPsql(psql, inOne, recipe());
        Result several = runPsql(psql, inSeveral, autocommit);

        // the order of a file's rows is its line numbers, not where COPY stored them
        assertEquals(0, one.exit(), one.output());
        assertEquals(0, several.exit(), several.output());
        String tickets = "SELECT ticket_id || ' ' || raw::text FROM tickets.inc ORDER BY 1";
        assertEquals(inOne.column(tickets), inSeveral.column(tickets));
        assertEquals("second, tie\r\nwins", inSeveral.one("SELECT location_name FROM tickets.inc WHERE ticket_id = 'INC1'"));
    }

    /** The first sql block under the README's "From psql" heading. */
    private static String recipe() throws IOException {
        String readme = Files.readString(TestDatabase.projectDir().resolve("README.md"));
        int section = readme.indexOf("## From psql");
        assertTrue(section >= 0, "README has a From psql section");
        int start = readme.indexOf("```sql\n", section) + "```sql\n".length();
        int end = readme.indexOf("```", start);
        String sql = readme.substring(start, end);
        assertTrue(sql.contains(FILE), "the recipe works on " + FILE);
        return sql;
    }

    private record Result(int exit, String output) {
    }

    /** psql -f on the given script, in the folder holding the file, as the README says. */
    private Result runPsql(Path psql, TestDatabase.Database db, String script) throws Exception {
        Path file = Files.writeString(dir.resolve("recipe.sql"), script);
        Process p = new ProcessBuilder(psql.toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db.url(),
                "-f", file.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), output);
    }

    /** psql on the PATH, else PostgreSQL 15's; the test is skipped on a machine without it. */
    private static Path psql() {
        Optional<Path> found = Stream.concat(
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "psql")),
                        Stream.of(Path.of("/usr/lib/postgresql/15/bin/psql")))
                .filter(Files::isExecutable)
                .findFirst();
        assumeTrue(found.isPresent(), "psql is not installed");
        return found.get();
    }
}
