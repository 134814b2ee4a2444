package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.FakeLocationIq;
import ke.fleettickets.testing.FakeLocationIq.Answer;
import ke.fleettickets.testing.TestDatabase;

/**
 * --geocode-clusters and --geocode-locations as an operator runs them: the real SQL side
 * (candidate views, record functions, the wrong-city guard) and a local server answering
 * as LocationIQ does.
 */
class GeocodeCommandTest {
    private static final String KEY = "pk.0123456789abcdefSECRET";
    private static final String NAIROBI =
            "[{\"lat\":\"-1.2921\",\"lon\":\"36.8219\",\"display_name\":\"Nairobi, Kenya\"}]";
    private static final String MOMBASA =
            "[{\"lat\":\"-4.0435\",\"lon\":\"39.6682\",\"display_name\":\"Moi Avenue, Mombasa, Kenya\"}]";
    /** The first answer is the wrong city: the SQL's guard must pass over it. */
    private static final String WRONG_CITY_FIRST =
            "[{\"lat\":\"-4.0435\",\"lon\":\"39.6682\",\"display_name\":\"Argwings Kodhek Rd, Mombasa, Kenya\"},"
                    + "{\"lat\":\"-1.2950\",\"lon\":\"36.7870\",\"display_name\":\"Argwings Kodhek Rd, Kilimani, Nairobi, Kenya\"}]";

    @TempDir
    Path dir;

    private TestDatabase.Database db;
    private FakeLocationIq server;

    @BeforeEach
    void ticketsToPlace() throws Exception {
        db = TestDatabase.get().freshDatabase();
        // clusters whose place is known but not their centre (the gazetteer ships neither): both are candidates
        db.execute("INSERT INTO tickets.geo_clusters (cluster_code, place, region)"
                + " VALUES ('KBR', 'Kibera', 'nairobi'), ('MSA', 'Mombasa Island', 'mombasa')");
        server = new FakeLocationIq();
        Path csv = dir.resolve("20260625T080000.csv");
        Files.writeString(csv, """
                ticket_id,normalized_status,is_actionable,cluster,region,location_name
                INC1,open,true,KBR,Nairobi,KBR-OLT-02 / Argwings Kodhek Rd
                INC2,open,true,KBR,Nairobi,Argwings Kodhek Rd
                INC3,open,true,KBR,Nairobi,Ngong Rd
                INC4,in_progress,true,KBR,Nairobi,Kindaruma Rd
                INC5,open,true,KBR,Nairobi,Lenana Rd
                INC6,open,true,MSA,Mombasa,Moi Avenue
                """);
        CliRun ingest = CliRun.of(Map.of("DATABASE_URL", db.url()), "--inc-csv", csv.toString(), "--apply");
        assertEquals(ExitCode.OK, ingest.exit(), ingest.err());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.url());
        env.put("GEOCODER_API_KEY", KEY);
        env.put("GEOCODER_BASE_URL", server.baseUrl());
        env.put("GEOCODER_REQUESTS_PER_SECOND", "5");
        return env;
    }

    private String clusterQuery(String code) throws Exception {
        return db.one("SELECT query FROM tickets.geocode_cluster_candidates WHERE cluster_code = '" + code + "'");
    }

    /** The query the SQL makes of a location text (the test scripts answers by it). */
    private String locationQuery(String start) throws Exception {
        return db.one("SELECT query FROM tickets.geocode_location_candidates WHERE query LIKE '" + start + "%'");
    }

    private static void assertNoKey(CliRun r) {
        assertFalse(r.out().contains(KEY) || r.err().contains(KEY), "the key was printed:\n" + r.out() + r.err());
        assertFalse(r.out().contains("SECRET") || r.err().contains("SECRET"), r.out() + r.err());
    }

    @Test
    void clustersThenLocationsAreAskedAtASteadyRateAndTheSqlDecidesEachAnswer() throws Exception {
        server.answer(clusterQuery("KBR"), Answer.ok(NAIROBI));
        server.answer(clusterQuery("MSA"), FakeLocationIq.UNABLE_TO_GEOCODE);
        String argwings = locationQuery("Argwings");
        String ngong = locationQuery("Ngong");
        String lenana = locationQuery("Lenana");
        server.answer(argwings, Answer.ok(WRONG_CITY_FIRST));
        server.answer(ngong, Answer.ok(MOMBASA));
        server.answer(locationQuery("Kindaruma"), FakeLocationIq.UNABLE_TO_GEOCODE);
        server.answer(lenana, Answer.ok("[{\"lat\":\"-1.29\",\"lon\":\"36."));
        server.answer(locationQuery("Moi Avenue"), Answer.ok(MOMBASA));
        assertEquals("2", db.one("SELECT tickets FROM tickets.geocode_location_candidates WHERE query = '" + argwings + "'"),
                "a network code in front of an address makes the same query");

        CliRun r = CliRun.of(env(), "--geocode-clusters", "--geocode-locations", "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("geocode clusters: 2 asked: 1 found, 1 not found, 0 kept, 0 errors, 0 left\n"),
                r.out());
        assertTrue(r.out().contains(
                "geocode locations: 5 asked: 2 found, 1 not found, 1 too far, 1 error, 0 left\n"), r.out());
        assertTrue(r.out().contains("no answer for \"" + lenana + "\""), r.out());
        assertEquals("", r.err());
        assertNoKey(r);

        // the whole array reached the SQL: its guard took the second answer, in Nairobi
        assertEquals("found|Argwings Kodhek Rd, Kilimani, Nairobi, Kenya|locationiq", db.one(
                "SELECT outcome || '|' || display_name || '|' || provider FROM tickets.geo_locations"
                        + " WHERE query = '" + argwings + "'"));
        assertEquals("too_far", db.one("SELECT outcome FROM tickets.geo_locations WHERE query = '" + ngong + "'"));
        assertEquals("error|malformed answer: not valid JSON (3 tries)", db.one(
                "SELECT outcome || '|' || error FROM tickets.geo_locations WHERE query = '" + lenana + "'"));
        assertEquals("geocoder", db.one("SELECT centre_source FROM tickets.geo_clusters WHERE cluster_code = 'KBR'"));

        List<FakeLocationIq.Request> requests = server.requests();
        assertEquals(2 + 5 + 2, requests.size(), "the malformed answer is asked three times");
        for (int i = 0; i < requests.size(); i++) {
            FakeLocationIq.Request q = requests.get(i);
            assertEquals("json", q.param("format"), q.param("q"));
            assertEquals("ke", q.param("countrycodes"), q.param("q"));
            if (i > 0) {
                long gapMillis = (q.nanoTime() - requests.get(i - 1).nanoTime()) / 1_000_000;
                assertTrue(gapMillis >= 180, "requests " + i + " and " + (i + 1) + " only " + gapMillis + " ms apart");
            }
        }
        // the clusters went first, so the Nairobi queries are bounded around KBR's new centre
        FakeLocationIq.Request bounded = requests.stream()
                .filter(q -> q.param("q").equals(argwings)).findFirst().orElseThrow();
        assertEquals("36.5719,-1.5421,37.0719,-1.0421", bounded.param("viewbox"));
        assertEquals("1", bounded.param("bounded"));
        FakeLocationIq.Request moi = requests.stream()
                .filter(q -> q.param("q").startsWith("Moi")).findFirst().orElseThrow();
        assertEquals(null, moi.param("viewbox"), "MSA has no centre: nothing to bound by");
    }

    @Test
    void aDryRunListsTheQueriesAndRequestsWithSecretsMaskedAndAsksNothing() throws Exception {
        Map<String, String> env = env();
        env.put("GEOCODER_BASE_URL", server.baseUrl().replace("http://", "http://geo:pa55word@"));
        String before = db.one("SELECT tests.state()");

        CliRun r = CliRun.of(env, "--geocode-clusters", "--geocode-locations");

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("dry run geocode clusters: [1/2] KBR (5 tickets): \"" + clusterQuery("KBR")
                + "\" → GET http://***@127.0.0.1:"), r.out());
        String encoded = java.net.URLEncoder.encode(locationQuery("Argwings"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
        assertTrue(r.out().contains("/v1/search?key=***&q=" + encoded + "&format=json&countrycodes=ke&limit=5\n"),
                r.out());
        assertTrue(r.out().contains("dry run geocode locations: 5 to ask from LocationIQ at http://***@127.0.0.1:"),
                r.out());
        assertFalse(r.out().contains("pa55word"), r.out());
        assertNoKey(r);
        assertEquals(0, server.requests().size());
        assertEquals(before, db.one("SELECT tests.state()"));
        assertEquals("0", db.one("SELECT count(*) FROM tickets.geo_locations"));
    }

    @Test
    void anInvalidKeyStopsTheRunWithOneLineAndExit2() throws Exception {
        server.answer(clusterQuery("KBR"), FakeLocationIq.INVALID_KEY);

        CliRun r = CliRun.of(env(), "--geocode-clusters", "--geocode-locations", "--apply");

        assertEquals(ExitCode.USAGE, r.exit(), r.out() + r.err());
        assertEquals(List.of("fleettickets: LocationIQ at " + server.baseUrl()
                + " refused the key (HTTP 401: Invalid key); check GEOCODER_API_KEY"), r.err().lines().toList());
        assertNoKey(r);
        assertEquals(1, server.requests().size());
    }

    @Test
    void theDailyLimitEndsTheAskingExit0AndSaysHowManyAreLeft() throws Exception {
        server.answer(clusterQuery("KBR"), Answer.ok(NAIROBI));
        server.answer(clusterQuery("MSA"), FakeLocationIq.RATE_LIMITED_DAY);

        CliRun r = CliRun.of(env(), "--geocode-clusters", "--geocode-locations", "--apply", "--quiet");

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        String limit = " (LocationIQ's daily limit is reached; the next run asks the rest)";
        assertEquals(List.of(
                "geocode clusters: 1 asked: 1 found, 0 not found, 0 kept, 0 errors, 1 left" + limit,
                "geocode locations: 0 asked: 0 found, 0 not found, 0 too far, 0 errors, 5 left" + limit),
                r.out().lines().toList());
        assertEquals(2, server.requests().size());
    }

    @Test
    void withoutAKeyTheOfflineGazetteerAnswersAfterTheIngestInJsonLines() throws Exception {
        Map<String, String> env = env();
        env.remove("GEOCODER_API_KEY");
        Path csv = dir.resolve("20260625T082000.csv");
        Files.writeString(csv, "ticket_id,normalized_status,is_actionable,cluster,region,location_name\n"
                + "INC7,open,true,KLM,Nairobi,Ralph Bunche Rd\n");

        CliRun r = CliRun.of(env, "--inc-csv", csv.toString(), "--geocode-clusters", "--geocode-locations", "--apply",
                "--log-format", "json");

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        for (String line : lines) {
            assertTrue(line.startsWith("{\"event\":\"") && line.endsWith("}"), line);
        }
        List<String> events = lines.stream().map(l -> l.substring(10, l.indexOf('"', 10))).toList();
        assertEquals("file", events.get(0));
        assertEquals("history", events.get(1), "history is captured right after the files");
        assertEquals("summary", events.get(2), "the ingest finishes before the geocoding starts");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"event\":\"geocode_summary\",\"dry_run\":false,"
                + "\"kind\":\"locations\",\"provider\":\"offline\",\"candidates\":6,\"asked\":6,")
                && l.contains("\"left\":0,")), r.out());
        assertEquals(0, server.requests().size(), "offline means no network");
        assertEquals("offline", db.one("SELECT DISTINCT provider FROM tickets.geo_locations"));
        assertEquals("6", db.one("SELECT count(*) FROM tickets.geo_locations"));
    }

    @Test
    void anotherRunHoldingTheLockMeansExit5AndNoRequest() throws Exception {
        server.answer(clusterQuery("KBR"), Answer.ok(NAIROBI));
        try (Connection other = db.connect(); Statement st = other.createStatement();
                ResultSet rs = st.executeQuery("SELECT tickets.try_runner_lock()")) {
            assertTrue(rs.next() && rs.getBoolean(1));

            CliRun r = CliRun.of(env(), "--geocode-clusters", "--apply");

            assertEquals(ExitCode.LOCKED, r.exit(), r.out() + r.err());
            assertEquals(0, server.requests().size());
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            GEOCODER_REQUESTS_PER_SECOND | 0      | GEOCODER_REQUESTS_PER_SECOND must be a positive number
            GEOCODER_REQUESTS_PER_SECOND | fast   | GEOCODER_REQUESTS_PER_SECOND must be a positive number
            GEOCODER_REQUESTS_PER_SECOND | -1     | GEOCODER_REQUESTS_PER_SECOND must be a positive number
            GEOCODER_BASE_URL            | ftp://x:pk.0123456789abcdefSECRET@h/v1 | GEOCODER_BASE_URL must be an http:// or https:// URL
            GEOCODER_BASE_URL            | http://h/v1 x | GEOCODER_BASE_URL is not a URL
            """)
    void aBadGeocoderSettingIsAConfigurationError(String name, String value, String message) {
        Map<String, String> env = env();
        env.put(name, value);
        CliRun r = CliRun.of(env, "--geocode-locations", "--apply");
        assertEquals(ExitCode.USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("fleettickets: " + message), r.err());
        assertNoKey(r);
        assertEquals(0, server.requests().size());
    }

    @Test
    void fractionalRatesAreAccepted() {
        Map<String, String> env = env();
        env.put("GEOCODER_REQUESTS_PER_SECOND", "0.5");
        CliRun r = CliRun.of(env, "--geocode-clusters");
        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("(0.5 requests/s)"), r.out());
    }

    @Test
    void maxRequestsNeedsGeocodingAndAPositiveNumber() {
        CliRun alone = CliRun.of(env(), "--max-requests", "5");
        assertEquals(ExitCode.USAGE, alone.exit());
        assertTrue(alone.err().contains("--max-requests goes with --geocode-clusters or --geocode-locations"), alone.err());
        CliRun zero = CliRun.of(env(), "--geocode-locations", "--max-requests", "0");
        assertEquals(ExitCode.USAGE, zero.exit());
    }
}
