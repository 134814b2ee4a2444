package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.TestDatabase;

/** {@code fleettickets config}: the settings in effect, secrets masked, and a bad one named. No database. */
class ConfigCommandTest {

    private static Map<String, String> everySecretSet() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "postgres://ingest:db-Secret-1@db.internal:5432/tracksolid?sslmode=require");
        env.put("DASHBOARD_DATABASE_URL", "jdbc:postgresql://db.internal:5432/tracksolid?user=dashboard&password=dash-Secret-2");
        env.put("RUSTFS_ENDPOINT", "https://s3user:endpoint-Secret-3@s3.example.com");
        env.put("RUSTFS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        env.put("RUSTFS_SECRET_ACCESS_KEY", "s3-Secret-4");
        env.put("GEOCODER_API_KEY", "pk.geocoder-Secret-5");
        env.put("GEOCODER_BASE_URL", "https://geo:base-Secret-6@eu1.locationiq.com/v1");
        env.put("DASHBOARD_TOKEN", "token-Secret-7-0123456789abcdef");
        env.put("FLEETTICKETS_LOCK_TIMEOUT", "45s");
        return env;
    }

    /** Each line of the output: variable → {source, value}. */
    private static Map<String, String[]> lines(String out) {
        Map<String, String[]> lines = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] cols = line.split(" {2,}", 3);
            lines.put(cols[0], new String[] {cols[1], cols.length > 2 ? cols[2] : ""});
        }
        return lines;
    }

    @Test
    void secretsAreMaskedAndEachValueSaysWhereItCameFrom() {
        CliRun r = CliRun.of(everySecretSet(), "config");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        assertEquals("", r.err());
        for (String secret : new String[] {"db-Secret-1", "dash-Secret-2", "endpoint-Secret-3", "s3-Secret-4",
                "geocoder-Secret-5", "base-Secret-6", "token-Secret-7"}) {
            assertFalse(r.out().contains(secret), secret + " is printed:\n" + r.out());
        }
        Map<String, String[]> lines = lines(r.out());
        assertEquals("postgres://ingest:***@db.internal:5432/tracksolid?sslmode=require", lines.get("DATABASE_URL")[1]);
        assertEquals("environment", lines.get("DATABASE_URL")[0]);
        assertEquals("jdbc:postgresql://db.internal:5432/tracksolid?user=dashboard&password=***",
                lines.get("DASHBOARD_DATABASE_URL")[1]);
        assertEquals("environment", lines.get("DASHBOARD_DATABASE_URL")[0]);
        assertEquals("https://***@s3.example.com", lines.get("RUSTFS_ENDPOINT")[1]);
        assertEquals("AKIDEXAMPLE", lines.get("RUSTFS_ACCESS_KEY_ID")[1], "the key id is no secret");
        assertEquals("***", lines.get("RUSTFS_SECRET_ACCESS_KEY")[1]);
        assertEquals("***", lines.get("GEOCODER_API_KEY")[1]);
        assertEquals("https://***@eu1.locationiq.com/v1", lines.get("GEOCODER_BASE_URL")[1]);
        assertEquals("***", lines.get("DASHBOARD_TOKEN")[1]);
        assertEquals("environment", lines.get("FLEETTICKETS_LOCK_TIMEOUT")[0]);
        assertEquals("45s", lines.get("FLEETTICKETS_LOCK_TIMEOUT")[1]);
        assertEquals("default", lines.get("FLEETTICKETS_STATEMENT_TIMEOUT")[0]);
        assertEquals("10min", lines.get("FLEETTICKETS_STATEMENT_TIMEOUT")[1]);
        assertEquals("default", lines.get("RUSTFS_BUCKET")[0]);
        assertEquals("isptickets", lines.get("RUSTFS_BUCKET")[1]);
        assertEquals("not set", lines.get("MAP_TILE_URL")[0]);
        assertEquals("(the offline outline of Kenya)", lines.get("MAP_TILE_URL")[1]);
    }

    @Test
    void withoutDashboardDatabaseUrlServeReadsDatabaseUrlAndSaysSo() {
        CliRun r = CliRun.of(Map.of("DATABASE_URL", "postgres://ingest:pw@db:5432/tracksolid"), "config");

        assertEquals(ExitCode.OK, r.exit(), r.err());
        Map<String, String[]> lines = lines(r.out());
        assertEquals("from DATABASE_URL", lines.get("DASHBOARD_DATABASE_URL")[0]);
        assertEquals("postgres://ingest:***@db:5432/tracksolid", lines.get("DASHBOARD_DATABASE_URL")[1]);
        assertEquals("not set", lines.get("RUSTFS_ENDPOINT")[0], "no bucket is no error: status and serve need none");
        assertEquals("not set", lines.get("GEOCODER_API_KEY")[0]);
        assertEquals("(the offline gazetteer answers)", lines.get("GEOCODER_API_KEY")[1]);
    }

    @Test
    void aMalformedSettingIsOneLineNamingItExitTwo() {
        Map<String, String> env = everySecretSet();
        env.put("FLEETTICKETS_STATEMENT_TIMEOUT", "ten minutes");

        CliRun r = CliRun.of(env, "config");

        assertEquals(ExitCode.USAGE, r.exit());
        assertEquals("fleettickets: FLEETTICKETS_STATEMENT_TIMEOUT must be a positive duration with a unit (ms, s, min, h),"
                + " e.g. 30s, not ten minutes\n", r.err());
        assertEquals("(invalid)", lines(r.out()).get("FLEETTICKETS_STATEMENT_TIMEOUT")[1]);
    }

    @Test
    void aMalformedSecretIsNamedNeverEchoed() {
        Map<String, String> env = everySecretSet();
        env.put("DATABASE_URL", "postgres://ingest:db-Secret-1@db.internal:99999/tracksolid");
        env.put("DASHBOARD_TOKEN", "short-Secret");

        CliRun r = CliRun.of(env, "config");

        assertEquals(ExitCode.USAGE, r.exit());
        assertEquals(1, r.err().split("\n").length, "one line: " + r.err());
        assertTrue(r.err().startsWith("fleettickets: DATABASE_URL is malformed (the port is out of range); "), r.err());
        assertTrue(r.err().contains("; DASHBOARD_TOKEN must be 16 to 1024 visible ASCII characters"), r.err());
        assertFalse(r.err().contains("Secret") || r.out().contains("Secret"), r.out() + r.err());
    }

    @Test
    void aMissingDatabaseUrlIsNamed() {
        CliRun r = CliRun.of(Map.of(), "config");

        assertEquals(ExitCode.USAGE, r.exit());
        assertTrue(r.err().startsWith("fleettickets: DATABASE_URL is not set; expected postgres://"), r.err());
        assertEquals(1, r.err().split("\n").length, "named once, though serve reads it too: " + r.err());
    }

    @Test
    void aBucketHalfConfiguredIsAProblem() {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", "postgres://ingest@db:5432/tracksolid",
                "RUSTFS_ENDPOINT", "https://s3.example.com"));

        CliRun r = CliRun.of(env, "config");

        assertEquals(ExitCode.USAGE, r.exit());
        assertEquals("fleettickets: RUSTFS_ACCESS_KEY_ID is not set: it must hold the S3 access key id;"
                + " RUSTFS_SECRET_ACCESS_KEY is not set: it must hold the S3 secret key\n", r.err());
    }

    /** A variable added to Settings without a line in config would be a setting nobody can check. */
    @Test
    void everyVariableSettingsReadsIsListed() throws Exception {
        String source = Files.readString(TestDatabase.projectDir()
                .resolve("java-runner/src/main/java/ke/fleettickets/Settings.java"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|PORT)\"").matcher(source);
        TreeSet<String> read = new TreeSet<>();
        while (m.find()) {
            read.add(m.group(1));
        }
        assertTrue(read.size() > 15, "the pattern finds the variables: " + read);

        CliRun r = CliRun.of(everySecretSet(), "config");

        assertEquals(read, new TreeSet<>(lines(r.out()).keySet()));
    }
}
