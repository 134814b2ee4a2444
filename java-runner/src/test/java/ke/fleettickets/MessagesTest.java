package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.TestDatabase;

/**
 * What the runner prints when names, keys and messages come from somewhere it does not
 * control, and when the database or the bucket settings are not what a run needs.
 */
class MessagesTest {

    @TempDir
    Path dir;

    private TestDatabase.Database db;
    /** Databases and roles a test made itself, beyond the fresh database; dropped after it. */
    private final List<String> databases = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();

    @BeforeEach
    void freshDatabase() {
        db = TestDatabase.get().freshDatabase();
    }

    @AfterEach
    void dropWhatTheTestMade() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String name : databases) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
            for (String name : roles) {
                s.execute("DROP ROLE IF EXISTS " + name);
            }
        }
    }

    private CliRun run(String... args) {
        return CliRun.of(Map.of("DATABASE_URL", db.url()), args);
    }

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    // --- untrusted text is printed escaped ---

    @Test
    void controlCharactersInAFileNameAndHeaderNamesAreShownEscapedOnOneLine() throws Exception {
        // a name that would recolour the terminal and start a forged summary line
        Path f = file("20260625T080000\u001b[31m\ndone: 0 files.csv",
                "ticket_id,\"red\u001b[31m\",\"tab\there\",\"cr\rhere\",\"rtl\u202eoverride\",\"c1\u0085\",\"del\u007f\"\n"
                        + "INC1,a,b,c,d,e,f\n");

        CliRun r = run("--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertNothingRaw(r);
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), "one progress line, the history capture and the summary: " + r.out());
        assertTrue(lines.get(0).contains("20260625T080000\\x1b[31m\\ndone: 0 files.csv"), lines.get(0));
        assertTrue(lines.get(0).contains("red\\x1b[31m"), lines.get(0));
        assertTrue(lines.get(0).contains("tab\\there"), lines.get(0));
        assertTrue(lines.get(0).contains("cr\\rhere"), lines.get(0));
        assertTrue(lines.get(0).contains("rtl\\u202eoverride"), lines.get(0));
        assertTrue(lines.get(0).contains("c1\\x85"), lines.get(0));
        assertTrue(lines.get(0).contains("del\\x7f"), lines.get(0));
        // the ledger keeps the name as it is: escaping is only how it is shown
        assertEquals(f.getFileName().toString(), db.one("SELECT file_key FROM tickets.file_ledger"));
    }

    @Test
    void aRejectedFileWithALineBreakInItsNameIsOneLineOnStderr() throws Exception {
        Path f = file("bad\nfleettickets: rejected nothing.csv", "id,region\nINC1,Nairobi\n");

        CliRun r = run("--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.REJECTED_INPUT, r.exit(), r.err());
        assertNothingRaw(r);
        List<String> err = r.err().lines().toList();
        assertEquals(1, err.size(), r.err());
        assertTrue(err.get(0).contains("bad\\nfleettickets: rejected nothing.csv"), err.get(0));
    }

    @Test
    void aFailureNamingAPathShowsItsControlCharactersEscaped() {
        // the failure line goes through FailureReport: the line break must show, not become a space
        CliRun r = run("--inc-csv", dir.resolve("no\nsuch\u001b[2J.csv").toString());

        assertEquals(ExitCode.USAGE, r.exit(), r.err());
        assertNothingRaw(r);
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("no\\nsuch\\x1b[2J.csv"), r.err());
    }

    @Test
    void jsonEscapesLineSeparatorsDelAndC1Controls() {
        String json = Json.object(Map.of("k", "a\u2028b\u2029c\u007fd\u0085e\u001bf\u202eg"));
        assertEquals("{\"k\":\"a\\u2028b\\u2029c\\u007fd\\u0085e\\u001bf\\u202eg\"}", json);
    }

    @Test
    void escapingShowsEveryHiddenCharacterAndLeavesTheRestAlone() {
        assertEquals("a\\nb\\rc\\td\\x1be\\x00f", Escaped.of("a\nb\rc\td\u001be\u0000f"));
        assertEquals("\\x7f\\x80\\x9f\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069\\u200f",
                Escaped.of("\u007f\u0080\u009f\u2028\u2029\u202a\u202e\u2066\u2069\u200f"));
        assertEquals("Ngong Rd, Kilimani — ŋ 🚒 C:\\path", Escaped.of("Ngong Rd, Kilimani — ŋ 🚒 C:\\path"));
        assertEquals("a\\nb", Escaped.of(Escaped.of("a\nb")), "escaping twice changes nothing");
    }

    @Test
    void aServerMessageKeepsItsLinesAsSpacesButShowsOtherControls() {
        assertEquals("ERROR: bad thing Detail: here \\x1b[31m",
                OneLine.of("ERROR: bad thing\n  Detail: here \u001b[31m\n"));
        assertEquals("header: ticket_id\\rregion, next line", OneLine.of("header: ticket_id\rregion,\r\n next line"),
                "a CR alone is shown, a CRLF is a line break");
    }

    // --- lists are bounded ---

    @Test
    void extraColumnsShowTenNamesEachCutThenHowManyMore() throws Exception {
        String longName = "a".repeat(100);
        List<String> extra = new ArrayList<>(List.of(longName));
        IntStream.rangeClosed(1, 14).forEach(i -> extra.add(String.format("x%02d", i)));
        Path f = file("20260625T080000.csv", "ticket_id," + String.join(",", extra) + "\nINC1"
                + ",v".repeat(extra.size()) + "\n");

        CliRun text = run("--inc-csv", f.toString());

        assertEquals(ExitCode.OK, text.exit(), text.err());
        String line = text.out().lines().findFirst().orElseThrow();
        assertTrue(line.contains("extra columns: " + "a".repeat(59) + "… x01 x02 x03 x04 x05 x06 x07 x08 x09"
                + " and 5 more,"), line);
        assertFalse(line.contains("x10"), line);

        CliRun json = run("--inc-csv", f.toString(), "--log-format", "json");

        assertEquals(ExitCode.OK, json.exit(), json.err());
        String event = json.out().lines().findFirst().orElseThrow();
        String all = extra.stream().map(n -> "\"" + (n.length() > 60 ? "a".repeat(59) + "…" : n) + "\"")
                .collect(Collectors.joining(",", "\"extra_columns\":[", "]"));
        assertTrue(event.contains(all), "the JSON event keeps every name, each cut the same way: " + event);
    }

    @Test
    void shortenedCountsCharactersNotUtf16Units() {
        String fire = "🚒".repeat(70);
        assertEquals("🚒".repeat(59) + "…", Shortened.name(fire));
        assertEquals("x".repeat(60), Shortened.name("x".repeat(60)));
        assertEquals("a b", Shortened.list(List.of("a", "b")));
        assertEquals("0 1 2 3 4 5 6 7 8 9 and 1 more",
                Shortened.list(IntStream.rangeClosed(0, 10).mapToObj(String::valueOf).toList()));
    }

    // --- migrate says why it failed ---

    @Test
    void migrateNamesTheScriptTheServersReasonAndTheSqlstate() throws Exception {
        String role = role();
        String name = emptyDatabase();
        // the role may create its tables in public, but not the extension V001 needs
        superuser(name, "GRANT CREATE ON SCHEMA public TO " + role);

        CliRun r = CliRun.of(Map.of("DATABASE_URL", url(role, name)), "migrate");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
        List<String> err = r.err().lines().toList();
        assertEquals(1, err.size(), r.err());
        assertTrue(err.get(0).startsWith("fleettickets: migration V001__schemas.sql"), err.get(0));
        assertTrue(err.get(0).contains("permission denied to create extension \"postgis\""), err.get(0));
        assertTrue(err.get(0).contains("hint: Must be superuser"), err.get(0));
        assertTrue(err.get(0).endsWith("[SQLSTATE 42501]"), err.get(0));
    }

    @Test
    void migrateSaysWhyEvenBeforeAnyScriptRan() throws Exception {
        String role = role();
        String name = emptyDatabase();
        // PostgreSQL 15 lets only the owner create in public: Flyway's history table fails first

        CliRun r = CliRun.of(Map.of("DATABASE_URL", url(role, name)), "migrate");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
        List<String> err = r.err().lines().toList();
        assertEquals(1, err.size(), r.err());
        assertTrue(err.get(0).startsWith("fleettickets: migration failed: permission denied for schema public"),
                err.get(0));
        assertTrue(err.get(0).endsWith("[SQLSTATE 42501]"), err.get(0));
    }

    // --- a database never migrated ---

    @Test
    void anIngestIntoADatabaseNeverMigratedSaysToMigrate() throws Exception {
        String name = emptyDatabase();
        Path f = file("20260625T080000.csv", "ticket_id\nINC1\n");

        CliRun r = CliRun.of(Map.of("DATABASE_URL", url(null, name)), "--inc-csv", f.toString(), "--apply");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
        List<String> err = r.err().lines().toList();
        assertEquals(1, err.size(), r.err());
        assertTrue(err.get(0).contains("/" + name + " is not migrated"), err.get(0));
        assertTrue(err.get(0).endsWith("; run: fleettickets migrate"), err.get(0));
        assertEquals("", r.out());
    }

    // --- the endpoint's credentials are never printed ---

    @Test
    void credentialsInTheEndpointAreNeverPrinted() {
        CliRun r = CliRun.of(Map.of(
                "DATABASE_URL", db.url(),
                "RUSTFS_ENDPOINT", "http://user:s3cret@127.0.0.1:1",
                "RUSTFS_ACCESS_KEY_ID", "keyid",
                "RUSTFS_SECRET_ACCESS_KEY", "secretkey",
                "FLEETTICKETS_S3_MAX_ATTEMPTS", "1"), "--from-bucket", "--apply");

        assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.out() + r.err());
        assertFalse((r.out() + r.err()).contains("s3cret"), r.out() + r.err());
        assertFalse((r.out() + r.err()).contains("secretkey"), r.out() + r.err());
        assertTrue(r.err().contains("http://***@127.0.0.1:1"), "the endpoint is named, masked: " + r.err());
    }

    @Test
    void aMalformedEndpointIsRefusedWithoutEchoingIt() {
        CliRun r = CliRun.of(Map.of(
                "DATABASE_URL", db.url(),
                "RUSTFS_ENDPOINT", "http://user:s3 cret@127.0.0.1:1",
                "RUSTFS_ACCESS_KEY_ID", "keyid",
                "RUSTFS_SECRET_ACCESS_KEY", "secretkey"), "--from-bucket");

        assertEquals(ExitCode.USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("RUSTFS_ENDPOINT is not a URL"), r.err());
        assertFalse(r.err().contains("cret"), r.err());
    }

    @Test
    void bucketSettingsPrintTheEndpointMasked() {
        BucketSettings s = new BucketSettings(URI.create("https://user:s3cret@s3.example.com:9000/base"),
                "us-east-1", "isptickets", "keyid", "secretkey", 1);
        assertEquals("https://***@s3.example.com:9000/base", s.maskedEndpoint());
        assertFalse(s.toString().contains("s3cret") || s.toString().contains("secretkey"), s.toString());
        assertEquals("https://s3.example.com",
                new BucketSettings(URI.create("https://s3.example.com"), "r", "b", "k", "s", 1).maskedEndpoint());
    }

    // --- helpers ---

    /** No character of out or err that a terminal would act on, apart from the line ends. */
    private static void assertNothingRaw(CliRun r) {
        for (String stream : List.of(r.out(), r.err())) {
            stream.chars().filter(c -> c != '\n').forEach(c -> assertFalse(
                    c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
                            || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069),
                    () -> String.format("raw U+%04X in: %s", c, stream)));
        }
    }

    /**
     * A login role that owns nothing, named like every test object; its password is its
     * name, for servers that ask for one.
     */
    private String role() throws SQLException {
        String name = "ft_test_role_" + randomSuffix();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + name + "'");
        }
        roles.add(name);
        return name;
    }

    /** A database nobody migrated, owned by the superuser; template0, in case template1 has postgis. */
    private String emptyDatabase() throws SQLException {
        String name = "ft_test_empty_" + randomSuffix();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " TEMPLATE template0");
        }
        databases.add(name);
        return name;
    }

    private void superuser(String database, String sql) throws SQLException {
        URI u = URI.create(db.url());
        try (Connection c = java.sql.DriverManager.getConnection(
                "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + "/" + database, db.user(), db.password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The test server's URL for another database, as another role (null: the superuser). */
    private String url(String role, String database) {
        URI u = URI.create(db.url());
        String auth = role == null ? u.getRawUserInfo() : role + ":" + role;
        return "postgres://" + auth + "@" + u.getHost() + ":" + u.getPort() + "/" + database;
    }

    private static String randomSuffix() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
