package ke.fleettickets.geocoding;

import static ke.fleettickets.testing.FakeLocationIq.Answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ke.fleettickets.testing.FakeLocationIq;

/**
 * The LocationIQ client and the asking loop against a local server that answers as
 * LocationIQ does, with the SQL side faked by a {@link Recorder} that keeps what it is
 * given. Backoffs and spacing run on a fake clock, so retries cost no real time.
 */
class GeocoderTest {
    static final String KEY = "pk.s3cr3t-KEY/+=";
    static final String NAIROBI = "[{\"place_id\":\"1\",\"lat\":\"-1.2921\",\"lon\":\"36.8219\","
            + "\"display_name\":\"Argwings Kodhek Road, Kilimani, Nairobi, Kenya\",\"class\":\"highway\"}]";
    /** The first answer is in the wrong city: only the SQL may decide which one wins. */
    static final String WRONG_CITY_FIRST = "[{\"lat\":\"-4.0435\",\"lon\":\"39.6682\",\"display_name\":\"Kilimani, Mombasa, Kenya\"},"
            + "{\"lat\":\"-1.2897\",\"lon\":\"36.7856\",\"display_name\":\"Kilimani, Nairobi, Kenya\"},"
            + "{\"lat\":\"0.5143\",\"lon\":\"35.2698\",\"display_name\":\"Kilimani, Eldoret, Kenya\"}]";

    /** What the fake SQL side was handed, in order. */
    record Recorded(Candidate candidate, String results, String provider, String error) {
    }

    /** Stands in for the SQL: not_found for [], error with an error, found otherwise; refuses truncated JSON. */
    static final class FakeRecorder implements Recorder {
        final List<Recorded> recorded = new ArrayList<>();

        @Override
        public String record(Candidate candidate, String results, String provider, String error) throws InvalidJson {
            if (results != null && !results.strip().endsWith("]")) {
                throw new InvalidJson("invalid input syntax for type json");
            }
            recorded.add(new Recorded(candidate, results, provider, error));
            return error != null ? "error" : results.strip().equals("[]") ? "not_found" : "found";
        }
    }

    /** Remembers what the loop reported. */
    static final class Heard implements Geocoder.Listener {
        final List<String> failures = new ArrayList<>();
        final List<Geocoder.Tally> progress = new ArrayList<>();

        @Override
        public void wouldAsk(Candidate c, int n, int of, String request) {
        }

        @Override
        public void previewed(Candidate.Kind kind, int candidates, int maxRequests, String provider) {
        }

        @Override
        public void starting(Candidate.Kind kind, int candidates, int maxRequests) {
        }

        @Override
        public void progress(Geocoder.Tally tally) {
            progress.add(tally);
        }

        @Override
        public void failed(Candidate candidate, String reason) {
            failures.add(reason);
        }

        @Override
        public void finished(Geocoder.Tally tally) {
        }
    }

    private FakeLocationIq server;
    private final FakeTicker ticker = new FakeTicker();
    private final FakeRecorder recorder = new FakeRecorder();
    private final Heard heard = new Heard();

    @BeforeEach
    void start() throws Exception {
        server = new FakeLocationIq();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LocationIq client(Duration requestTimeout) {
        return new LocationIq(new GeocoderSettings(KEY, URI.create(server.baseUrl()), 5), "fleettickets/test",
                new RateLimiter(5, ticker), Duration.ofSeconds(2), requestTimeout);
    }

    private Geocoder geocoder(int maxRequests) {
        return new Geocoder(client(Duration.ofSeconds(5)), recorder, maxRequests, heard, ticker);
    }

    private static Candidate location(String query) {
        return new Candidate(Candidate.Kind.LOCATIONS, query, "KLM", null, 3);
    }

    private Geocoder.Tally ask(String... queries) throws Exception {
        List<Candidate> candidates = new ArrayList<>();
        for (String q : queries) {
            candidates.add(location(q));
        }
        return geocoder(500).run(Candidate.Kind.LOCATIONS, candidates);
    }

    @Test
    void aGoodAnswerReachesTheSqlAsSentWithTheQueryParametersLocationIqNeeds() throws Exception {
        server.answer("Argwings Kodhek Rd, Kilimani, Nairobi, Kenya", Answer.ok(NAIROBI));
        Candidate boxed = new Candidate(Candidate.Kind.LOCATIONS, "Ngong Rd & Co, Nairobi, Kenya", "QOA",
                "36.7,-1.4,36.9,-1.2", 7);
        server.answer(boxed.query(), Answer.ok(NAIROBI));

        Geocoder.Tally t = geocoder(500).run(Candidate.Kind.LOCATIONS,
                List.of(location("Argwings Kodhek Rd, Kilimani, Nairobi, Kenya"), boxed));

        assertEquals(2, t.found());
        assertEquals(NAIROBI, recorder.recorded.get(0).results());
        assertEquals("locationiq", recorder.recorded.get(0).provider());
        List<FakeLocationIq.Request> requests = server.requests();
        assertEquals(2, requests.size());
        for (FakeLocationIq.Request r : requests) {
            assertEquals("/v1/search", r.path());
            assertEquals(KEY, r.param("key"), "the key arrives intact, however it is spelled");
            assertEquals("json", r.param("format"));
            assertEquals("ke", r.param("countrycodes"));
            assertEquals("5", r.param("limit"));
            assertTrue(r.userAgent().startsWith("fleettickets/"), r.userAgent());
        }
        assertEquals("Argwings Kodhek Rd, Kilimani, Nairobi, Kenya", requests.get(0).param("q"));
        assertNull(requests.get(0).param("viewbox"));
        assertNull(requests.get(0).param("bounded"));
        assertEquals("Ngong Rd & Co, Nairobi, Kenya", requests.get(1).param("q"), "& is encoded, not a new parameter");
        assertEquals("36.7,-1.4,36.9,-1.2", requests.get(1).param("viewbox"));
        assertEquals("1", requests.get(1).param("bounded"));
    }

    @Test
    void severalAnswersWithTheWrongCityFirstReachTheSqlWholeAndInOrder() throws Exception {
        server.answer("Kilimani, Kenya", Answer.ok(WRONG_CITY_FIRST));
        ask("Kilimani, Kenya");
        assertEquals(WRONG_CITY_FIRST, recorder.recorded.get(0).results());
    }

    @Test
    void unableToGeocodeIsRecordedAsAnEmptyAnswer() throws Exception {
        Geocoder.Tally t = ask("Nowhere In Particular, Kenya");
        assertEquals("[]", recorder.recorded.get(0).results());
        assertNull(recorder.recorded.get(0).error());
        assertEquals(1, t.notFound());
        assertEquals(1, server.requests().size(), "a not found is an answer, not retried");
    }

    @Test
    void rateLimitedSecondBacksOffAndAsksAgain() throws Exception {
        server.answer("Kilimani, Kenya", FakeLocationIq.RATE_LIMITED_SECOND, Answer.ok(NAIROBI));
        Geocoder.Tally t = ask("Kilimani, Kenya");
        assertEquals(1, t.found());
        assertEquals(2, server.requests().size());
        assertTrue(ticker.sleeps.contains(Duration.ofSeconds(1)), ticker.sleeps.toString());
        assertNull(t.stop());
    }

    @Test
    void rateLimitedSecondForeverStopsTheRunWithoutRecordingAnything() throws Exception {
        server.answer("Kilimani, Kenya", FakeLocationIq.RATE_LIMITED_SECOND);
        Geocoder.Tally t = ask("Kilimani, Kenya", "Lavington, Kenya");
        assertEquals(Geocoder.Stop.RATE_LIMITED, t.stop());
        assertEquals(2, t.left());
        assertTrue(recorder.recorded.isEmpty(), "a rate limit says nothing about the place");
        assertEquals(Geocoder.SECOND_WAITS.size() + 1, server.requests().size());
    }

    @Test
    void theDailyLimitStopsAskingForTheRestOfTheRunAndCountsWhatIsLeft() throws Exception {
        server.answer("a, Kenya", Answer.ok(NAIROBI));
        server.answer("b, Kenya", FakeLocationIq.RATE_LIMITED_DAY);
        Geocoder g = geocoder(500);

        Geocoder.Tally locations = g.run(Candidate.Kind.LOCATIONS,
                List.of(location("a, Kenya"), location("b, Kenya"), location("c, Kenya"), location("d, Kenya")));
        Geocoder.Tally after = g.run(Candidate.Kind.LOCATIONS, List.of(location("e, Kenya")));

        assertEquals(Geocoder.Stop.DAILY_LIMIT, locations.stop());
        assertEquals(1, locations.asked());
        assertEquals(3, locations.left());
        assertEquals(1, after.left(), "the stop lasts for the whole run");
        assertEquals(2, server.requests().size(), "nothing is asked after the daily limit");
        assertEquals(1, recorder.recorded.size());
    }

    @Test
    void anInvalidKeyStopsAtOnceAndTheMessageNeverShowsTheKey() throws Exception {
        server.answer("Kilimani, Kenya", FakeLocationIq.INVALID_KEY);
        KeyRefused e = assertThrows(KeyRefused.class, () -> ask("Kilimani, Kenya", "Lavington, Kenya"));
        assertTrue(e.getMessage().contains("HTTP 401: Invalid key"), e.getMessage());
        assertTrue(e.getMessage().contains("GEOCODER_API_KEY"), e.getMessage());
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        assertEquals(1, server.requests().size());
        assertTrue(recorder.recorded.isEmpty());
    }

    @Test
    void aServerErrorIsRetriedAfterABackoff() throws Exception {
        server.answer("Kilimani, Kenya", FakeLocationIq.SERVER_ERROR, Answer.ok(NAIROBI));
        Geocoder.Tally t = ask("Kilimani, Kenya");
        assertEquals(1, t.found());
        assertEquals(NAIROBI, recorder.recorded.get(0).results());
        assertEquals(Geocoder.RETRY_WAITS.get(0), ticker.sleeps.stream()
                .filter(d -> d.compareTo(Duration.ofMillis(500)) > 0).findFirst().orElseThrow());
    }

    @Test
    void aServerErrorThatLastsIsRecordedAsAnErrorWithoutTheKeyItEchoed() throws Exception {
        server.answer("Kilimani, Kenya", new Answer(503, "upstream failed for /v1/search?key=" + KEY, 0));
        Geocoder.Tally t = ask("Kilimani, Kenya", "Lavington, Kenya");
        Recorded r = recorder.recorded.get(0);
        assertNull(r.results());
        assertTrue(r.error().startsWith("HTTP 503"), r.error());
        assertTrue(r.error().endsWith("(3 tries)"), r.error());
        assertFalse(r.error().contains("s3cr3t"), r.error());
        assertEquals(1, t.errors());
        assertEquals(1, t.notFound(), "the run goes on after an error");
        assertEquals(4, server.requests().size());
    }

    @Test
    void truncatedJsonIsRetriedThenRecordedAsAMalformedAnswer() throws Exception {
        server.answer("Kilimani, Kenya", Answer.ok("[{\"lat\":\"-1.29\",\"lon\":\"36."));
        Geocoder.Tally t = ask("Kilimani, Kenya");
        assertEquals(1, t.errors());
        assertEquals(3, server.requests().size());
        assertEquals("malformed answer: not valid JSON (3 tries)", recorder.recorded.get(0).error());
        assertNull(recorder.recorded.get(0).results());
    }

    @Test
    void anXmlBodyIsNeverHandedToTheSql() throws Exception {
        server.answer("Kilimani, Kenya", Answer.ok("<?xml version=\"1.0\"?><searchresults/>"));
        Geocoder.Tally t = ask("Kilimani, Kenya");
        assertEquals(1, t.errors());
        assertEquals(3, server.requests().size());
        String error = recorder.recorded.get(0).error();
        assertTrue(error.startsWith("malformed answer: HTTP 200 that is not a JSON array (starts <?xml"), error);
        assertEquals(List.of("malformed answer: HTTP 200 that is not a JSON array (starts <?xml version=\"1.0\"?>"
                + "<searchresults/>) (3 tries)"), heard.failures);
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetried() throws Exception {
        server.answer("Kilimani, Kenya", new Answer(200, NAIROBI, 2_000), Answer.ok(NAIROBI));
        Geocoder g = new Geocoder(client(Duration.ofMillis(300)), recorder, 500, heard, ticker);
        Geocoder.Tally t = g.run(Candidate.Kind.LOCATIONS, List.of(location("Kilimani, Kenya")));
        assertEquals(1, t.found());
        assertEquals(2, server.requests().size());
    }

    @Test
    void maxRequestsCountsRetriesAndLeavesTheRestForTheNextRun() throws Exception {
        server.answer("a, Kenya", FakeLocationIq.SERVER_ERROR, Answer.ok(NAIROBI));
        server.answer("b, Kenya", Answer.ok(NAIROBI));
        Geocoder.Tally t = new Geocoder(client(Duration.ofSeconds(5)), recorder, 3, heard, ticker)
                .run(Candidate.Kind.LOCATIONS, List.of(location("a, Kenya"), location("b, Kenya"), location("c, Kenya")));
        assertEquals(Geocoder.Stop.MAX_REQUESTS, t.stop());
        assertEquals(2, t.asked());
        assertEquals(1, t.left());
        assertEquals(3, server.requests().size());
    }

    @Test
    void aGeocoderThatFailsEveryQuestionIsGivenUpOn() throws Exception {
        List<Candidate> many = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            server.answer("place " + i, FakeLocationIq.SERVER_ERROR);
            many.add(location("place " + i));
        }
        Geocoder.Tally t = geocoder(500).run(Candidate.Kind.LOCATIONS, many);
        assertEquals(Geocoder.Stop.FAILING, t.stop());
        assertEquals(Geocoder.FAILING_IN_A_ROW, t.errors());
        assertEquals(8 - Geocoder.FAILING_IN_A_ROW, t.left());
    }

    @Test
    void aLongRunReportsProgressEveryFewSeconds() throws Exception {
        List<Candidate> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(location("place " + i));
        }
        geocoder(500).run(Candidate.Kind.LOCATIONS, many);  // 40 requests at 5/s: 8 s on the fake clock
        assertEquals(1, heard.progress.size());
    }

    @Test
    void requestsAreSpacedByTheLimiter() throws Exception {
        ask("a, Kenya", "b, Kenya", "c, Kenya");
        assertEquals(List.of(Duration.ofMillis(200), Duration.ofMillis(200)), ticker.sleeps);
    }

    @Test
    void aDryRunDescribesTheRequestWithTheKeyMasked() {
        LocationIq client = client(Duration.ofSeconds(5));
        String described = client.describe(new Candidate(Candidate.Kind.LOCATIONS, "Ngong Rd, Nairobi", "QOA",
                "36.7,-1.4,36.9,-1.2", 2));
        assertEquals("GET " + server.baseUrl() + "/search?key=***&q=Ngong%20Rd%2C%20Nairobi&format=json"
                + "&countrycodes=ke&limit=5&viewbox=36.7%2C-1.4%2C36.9%2C-1.2&bounded=1", described);
        LocationIq withUser = new LocationIq(new GeocoderSettings(KEY, URI.create("https://me:pw@geo.example/v1"), 1),
                "ua", new RateLimiter(1, ticker));
        assertTrue(withUser.describe(location("x")).startsWith("GET https://***@geo.example/v1/search?key=***&"),
                withUser.describe(location("x")));
        assertEquals("LocationIQ at https://***@geo.example/v1 (1 request/s)",
                new GeocoderSettings(KEY, URI.create("https://me:pw@geo.example/v1"), 1).toString());
    }
}
