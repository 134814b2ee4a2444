package ke.fleettickets.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import ke.fleettickets.DatabaseUrl;
import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.TestDatabase;

/**
 * {@code serve} as a client meets it, against a real database holding a drained day of the
 * generated stream (and its history captured), with p_now pinned so that every answer can
 * be compared with the SQL function's own output.
 */
class DashboardServerTest {

    /** The moment every SQL call of the pinned server describes: the evening of the generated day. */
    private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-06-22T21:00:00+03:00");
    private static final String SQL_NOW = "'2026-06-22 21:00+03'";
    private static final String TOKEN = "0123456789abcdef-the-token";
    private static final String ORIGIN = "https://map.example.com";
    private static final DashboardServer.Tuning FAST = new DashboardServer.Tuning(4, Duration.ofSeconds(10),
            Duration.ofMillis(500), 8, Duration.ofSeconds(3));

    @TempDir
    static Path dir;

    private static TestDatabase.Database db;
    private static DashboardServer server;
    private static DashboardServer guarded;
    private static final Log log = new Log();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** What the server reported, as the command would print it. */
    static final class Log implements DashboardServer.Listener {
        record Request(String method, String path, int status, long bytes, long millis) {
        }

        final List<Request> requests = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public void request(String method, String path, int status, long bytes, long millis) {
            requests.add(new Request(method, path, status, bytes, millis));
        }

        @Override
        public void failed(String method, String path, String reason) {
            failures.add(method + " " + path + ": " + reason);
        }
    }

    @BeforeAll
    static void aDrainedDay() throws Exception {
        db = TestDatabase.get().freshDatabase();
        Map<String, String> env = Map.of("DATABASE_URL", db.url());
        CliRun generated = CliRun.of(env, "generate", "--out", dir.toString());
        assertEquals(0, generated.exit(), generated.err());
        List<String> args = new ArrayList<>(List.of("--inc-csv"));
        try (Stream<Path> files = Files.list(dir)) {
            files.map(Path::toString).sorted().forEach(args::add);
        }
        args.add("--apply");
        args.add("--quiet");
        CliRun ingest = CliRun.of(env, args.toArray(String[]::new));
        assertTrue(ingest.exit() == 0 || ingest.exit() == 3, ingest.err());
        db.execute("SELECT tickets.capture_history(" + SQL_NOW + ")");
        server = start(settings(null, null), () -> NOW);
        guarded = start(settings(TOKEN, ORIGIN), () -> NOW);
    }

    @AfterAll
    static void stop() {
        server.stop();
        guarded.stop();
    }

    private static ServerSettings settings(String token, String origin) {
        return new ServerSettings("127.0.0.1", 0, DatabaseUrl.parse(db.url()), token, origin);
    }

    private static DashboardServer start(ServerSettings settings, java.util.function.Supplier<OffsetDateTime> now)
            throws IOException {
        return DashboardServer.start(settings, log, FAST, now);
    }

    private static URI uri(DashboardServer s, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + s.address().getPort() + pathAndQuery);
    }

    private static HttpResponse<byte[]> get(DashboardServer s, String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, pathAndQuery)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws Exception {
        return get(server, pathAndQuery, headers);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String header(HttpResponse<byte[]> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    /** A value of a JSON body, read by the database (which has a JSON parser). */
    private static String json(HttpResponse<byte[]> r, String path) throws Exception {
        try (Connection c = db.connect(); var st = c.prepareStatement("SELECT ?::jsonb #>> ?::text[]")) {
            st.setString(1, text(r));
            st.setString(2, path);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    // The API passes the SQL's JSON through -----------------------------------------------

    static Stream<Arguments> dashboardFilters() {
        return Stream.of(
                Arguments.of("", ""),
                Arguments.of("?window=24h", "p_window => '24h', "),
                Arguments.of("?window=30d", "p_window => '30d', "),
                Arguments.of("?cluster=qoa&status=in_progress", "p_cluster => 'qoa', p_status => 'in_progress', "),
                Arguments.of("?from=2026-06-22&to=2026-06-23", "p_from => '2026-06-22', p_to => '2026-06-23', "),
                Arguments.of("?from=2026-06-22%2014:00&cluster=KRN", "p_from => '2026-06-22 14:00', p_cluster => 'KRN', "),
                Arguments.of("?cluster=&status=&window=", ""),
                Arguments.of("?status=pending&window=7d", "p_status => 'pending', p_window => '7d', "));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("dashboardFilters")
    void theDashboardIsTheSqlFunctionsJsonAsItIs(String query, String sqlArgs) throws Exception {
        HttpResponse<byte[]> r = get("/api/inc/dashboard" + query);

        assertEquals(200, r.statusCode(), text(r));
        assertEquals("application/json; charset=utf-8", header(r, "Content-Type"));
        assertEquals(db.one("SELECT reporting.fn_inc_dashboard(" + sqlArgs + "p_now => " + SQL_NOW + ")::text"), text(r));
    }

    @Test
    void theDashboardOfTheDrainedDayIsNotEmpty() throws Exception {
        HttpResponse<byte[]> r = get("/api/inc/dashboard");
        assertTrue(Integer.parseInt(json(r, "{metrics,open}")) > 50, text(r));
        assertTrue(Integer.parseInt(json(r, "{metrics,closed}")) > 50, text(r));
        assertEquals("2026-06-22T21:00:00+03:00", json(r, "{generated_at}"), "p_now is the pinned moment");
        assertNotEquals("[]", json(r, "{metrics,backlog_trend}"), "the captured day is in the trend");
    }

    @Test
    void theMapIsTheSqlFunctionsJsonAsItIs() throws Exception {
        HttpResponse<byte[]> r = get("/api/inc/map");
        assertEquals(200, r.statusCode(), text(r));
        assertEquals(db.one("SELECT reporting.fn_tickets_for_map(p_now => " + SQL_NOW + ")::text"), text(r));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ?lon=36.8219&lat=-1.2921                         | p_lon => 36.8219, p_lat => -1.2921
            ?lon=36.8219&lat=-1.2921&limit=3                 | p_lon => 36.8219, p_lat => -1.2921, p_limit => 3
            ?lat=-1.2921&lon=36.8219&max_km=2000&limit=500   | p_lon => 36.8219, p_lat => -1.2921, p_limit => 500, p_max_km => 2000
            ?lon=39.66&lat=-4.05&max_km=.5                   | p_lon => 39.66, p_lat => -4.05, p_max_km => 0.5
            """)
    void theNearestTicketsAreTheSqlFunctionsJsonAsItIs(String query, String sqlArgs) throws Exception {
        HttpResponse<byte[]> r = get("/api/inc/nearest" + query);
        assertEquals(200, r.statusCode(), text(r));
        assertEquals(db.one("SELECT reporting.fn_nearest_open_tickets(" + sqlArgs + ", p_now => " + SQL_NOW + ")::text"),
                text(r));
    }

    @Test
    void theServerReadsAsTheReaderRole() throws Exception {
        DashboardServer.Identity who = server.identity();
        assertEquals("fleettickets_reader", who.role());
        assertEquals(db.user(), who.login());
        assertTrue(who.reader());
    }

    @Test
    void aReaderLoginMadeAsTheRunbookSaysReadsEverythingItNeeds() throws Exception {
        String login = "ft_dashboard_" + Long.toHexString(System.nanoTime());
        db.execute("CREATE ROLE " + login + " LOGIN PASSWORD 'pw' IN ROLE fleettickets_reader");
        try {
            String url = db.url().replaceFirst("^postgres://[^@]*@", "postgres://" + login + ":pw@");
            DashboardServer s = DashboardServer.start(new ServerSettings("127.0.0.1", 0, DatabaseUrl.parse(url), null,
                    null), log, FAST, () -> NOW);
            try {
                assertEquals(new DashboardServer.Identity("fleettickets_reader", login), s.identity());
                HttpResponse<byte[]> health = get(s, "/healthz");
                assertEquals(200, health.statusCode(), text(health));
                assertEquals(json(get("/healthz"), "{schema_version}"), json(health, "{schema_version}"),
                        "the reader learns the schema version, which it may not read itself");
                assertArrayEquals(get("/api/inc/dashboard?window=24h").body(),
                        get(s, "/api/inc/dashboard?window=24h").body());
                assertEquals(200, get(s, "/api/inc/nearest?lon=36.8219&lat=-1.2921").statusCode());
            } finally {
                s.stop();
            }
        } finally {
            db.execute("DROP ROLE " + login);
        }
    }

    @Test
    void aLoginOutsideTheReaderRoleReadsAsItselfAndIsRefusedTheApi() throws Exception {
        String login = "ft_dashboard_plain_" + Long.toHexString(System.nanoTime());
        db.execute("CREATE ROLE " + login + " LOGIN PASSWORD 'pw'");
        try {
            String url = db.url().replaceFirst("^postgres://[^@]*@", "postgres://" + login + ":pw@");
            Log plain = new Log();
            DashboardServer s = DashboardServer.start(new ServerSettings("127.0.0.1", 0, DatabaseUrl.parse(url), null,
                    null), plain, FAST, () -> NOW);
            try {
                assertEquals(new DashboardServer.Identity(login, login), s.identity());
                HttpResponse<byte[]> api = get(s, "/api/inc/map");
                assertEquals(500, api.statusCode(), text(api));
                assertEquals("{\"error\":\"internal\",\"message\":\"internal error\"}", text(api));
                HttpResponse<byte[]> health = get(s, "/healthz");
                assertEquals(503, health.statusCode());
                assertEquals("permission_denied", json(health, "{database}"));
                assertTrue(plain.failures.get(0).startsWith("GET /api/inc/map: the login may not read this"),
                        plain.failures.get(0));
                assertTrue(plain.failures.get(0).contains("permission denied"), plain.failures.get(0));
            } finally {
                s.stop();
            }
        } finally {
            db.execute("DROP ROLE " + login);
        }
    }

    // Bad parameters: 400, naming them ------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /api/inc/dashboard?window=2w                | window  | window is 24h, 7d or 30d
            /api/inc/dashboard?window=7D                | window  | window is 24h, 7d or 30d
            /api/inc/dashboard?status=closed            | status  | status is open, in_progress or pending
            /api/inc/dashboard?colour=red               | colour  | unknown parameter; this endpoint takes cluster, status, window, from, to
            /api/inc/dashboard?window=7d&window=24h     | window  | window is given more than once
            /api/inc/dashboard?cluster=KLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKLMKL | cluster | cluster is longer than 64 characters
            /api/inc/dashboard?from=2026-06-22%0A14:00  | from    | from holds a control character
            /api/inc/dashboard?to=%E2%82               | to      | to is not properly percent-encoded UTF-8
            /api/inc/map?window=7d                      | window  | this endpoint takes no parameters
            /api/inc/nearest?lat=-1.29                  | lon     | lon is required, e.g. lon=36.8219
            /api/inc/nearest?lon=36.82                  | lat     | lat is required, e.g. lat=-1.2921
            /api/inc/nearest?lon=east&lat=-1.29         | lon     | lon is a decimal number, e.g. 36.8219
            /api/inc/nearest?lon=NaN&lat=-1.29          | lon     | lon is a decimal number, e.g. 36.8219
            /api/inc/nearest?lon=1e3&lat=-1.29          | lon     | lon is a decimal number, e.g. 36.8219
            /api/inc/nearest?lon=36.8&lat=0x1p3         | lat     | lat is a decimal number, e.g. -1.2921
            /api/inc/nearest?lon=36.8&lat=-1.29&limit=2.5   | limit  | limit is a whole number, e.g. 10
            /api/inc/nearest?lon=36.8&lat=-1.29&limit=99999999999 | limit | limit is a whole number, e.g. 10
            /api/inc/nearest?lon=36.8&lat=-1.29&max_km=far  | max_km | max_km is a decimal number, e.g. 25
            """)
    void aBadParameterIs400NamingIt(String pathAndQuery, String parameter, String message) throws Exception {
        HttpResponse<byte[]> r = get(pathAndQuery);

        assertEquals(400, r.statusCode(), text(r));
        assertEquals("application/json; charset=utf-8", header(r, "Content-Type"));
        assertEquals("bad_parameter", json(r, "{error}"), text(r));
        assertEquals(parameter, json(r, "{parameter}"), text(r));
        assertEquals(message, json(r, "{message}"), text(r));
        assertEquals("no-store", header(r, "Cache-Control"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /api/inc/dashboard?from=yesterday                   | FT204 | p_from is not a date or a time: yesterday
            /api/inc/dashboard?window=7d&from=2026-06-20        | FT203 | both a window (7d) and a range are given
            /api/inc/dashboard?to=2026-06-22                    | FT203 | p_to is given without p_from
            /api/inc/dashboard?from=2026-06-23&to=2026-06-22    | FT203 |
            /api/inc/nearest?lon=36.8&lat=95                    | FT205 | position (36.8, 95) is not a longitude and a latitude
            /api/inc/nearest?lon=36.8&lat=-1.29&limit=0         | FT205 | p_limit 0 is out of range
            /api/inc/nearest?lon=36.8&lat=-1.29&max_km=2001     | FT205 | p_max_km 2001 is out of range
            """)
    void aDomainErrorOfTheSqlIs400WithItsMessageAndHint(String pathAndQuery, String code, String message)
            throws Exception {
        HttpResponse<byte[]> r = get(pathAndQuery);

        assertEquals(400, r.statusCode(), text(r));
        assertEquals("bad_request", json(r, "{error}"));
        assertEquals(code, json(r, "{code}"));
        if (message != null) {
            assertEquals(message, json(r, "{message}"));
        }
        assertNotNull(json(r, "{hint}"), "the SQL's hint says what to do: " + text(r));
        for (String sqlText : List.of("PL/pgSQL", "SELECT", "reporting.", "line ")) {
            assertFalse(text(r).contains(sqlText), "no SQL text reaches the client: " + text(r));
        }
    }

    @Test
    void anUnknownEndpointIs404AndAnotherMethod405() throws Exception {
        HttpResponse<byte[]> missing = get("/api/inc/tickets");
        assertEquals(404, missing.statusCode());
        assertEquals("not_found", json(missing, "{error}"));

        HttpResponse<byte[]> posted = http.send(HttpRequest.newBuilder(uri(server, "/api/inc/map"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, posted.statusCode());
        assertEquals("GET, HEAD", header(posted, "Allow"));
    }

    // Caching and compression -----------------------------------------------------------------

    @Test
    void aRepeatedRequestWithTheETagGets304AndNoBody() throws Exception {
        HttpResponse<byte[]> first = get("/api/inc/dashboard?window=24h");
        String etag = header(first, "ETag");
        assertNotNull(etag);
        assertEquals("private, no-cache", header(first, "Cache-Control"), "the client revalidates every time");

        HttpResponse<byte[]> again = get("/api/inc/dashboard?window=24h", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        assertEquals(etag, header(again, "ETag"));

        HttpResponse<byte[]> other = get("/api/inc/dashboard?window=7d", "If-None-Match", etag);
        assertEquals(200, other.statusCode(), "another answer has another tag");
        assertNotEquals(etag, header(other, "ETag"));

        HttpResponse<byte[]> stale = get("/api/inc/dashboard?window=24h", "If-None-Match", "\"not-this-one\", W/\"nor-this\"");
        assertEquals(200, stale.statusCode());
        assertArrayEquals(first.body(), stale.body());
    }

    @Test
    void theGzipTagRevalidatesToo() throws Exception {
        HttpResponse<byte[]> gz = get("/api/inc/map", "Accept-Encoding", "gzip");
        String etag = header(gz, "ETag");
        assertTrue(etag.endsWith("-gzip\""), etag);

        assertEquals(304, get("/api/inc/map", "Accept-Encoding", "gzip", "If-None-Match", etag).statusCode());
        assertEquals(304, get("/api/inc/map", "If-None-Match", "W/" + etag).statusCode());
    }

    @Test
    void withTheDatabasesClockTheSameMinuteGivesTheSameETag() throws Exception {
        DashboardServer live = start(settings(null, null), () -> null);
        try {
            String first = header(get(live, "/api/inc/map"), "ETag");
            String second = header(get(live, "/api/inc/map"), "ETag");
            if (!first.equals(second)) {
                // a minute began between the two: the next one is in the same minute as the second
                first = second;
                second = header(get(live, "/api/inc/map"), "ETag");
            }
            assertEquals(first, second, "p_now is cut to the minute, so the bytes and their tag hold for a minute");
        } finally {
            live.stop();
        }
    }

    @Test
    void gzipWhenTheClientTakesItAndTheBodyInflatesToTheSameJson() throws Exception {
        HttpResponse<byte[]> plain = get("/api/inc/dashboard");
        HttpResponse<byte[]> gz = get("/api/inc/dashboard", "Accept-Encoding", "br;q=1.0, gzip;q=0.8");

        assertNull(header(plain, "Content-Encoding"));
        assertEquals("gzip", header(gz, "Content-Encoding"));
        assertEquals("Accept-Encoding", header(gz, "Vary"));
        assertTrue(gz.body().length < plain.body().length / 3, "compressed: " + gz.body().length);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            assertArrayEquals(plain.body(), in.readAllBytes());
        }
        assertNull(header(get("/api/inc/dashboard", "Accept-Encoding", "gzip;q=0"), "Content-Encoding"),
                "q=0 refuses gzip");
    }

    // Health -------------------------------------------------------------------------------

    @Test
    void healthSaysTheSchemaVersionAndTheFreshness() throws Exception {
        HttpResponse<byte[]> r = get("/healthz");

        assertEquals(200, r.statusCode(), text(r));
        assertEquals("ok", json(r, "{status}"));
        assertEquals("reachable", json(r, "{database}"));
        assertEquals(db.one("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                + " ORDER BY installed_rank DESC LIMIT 1"), json(r, "{schema_version}"));
        assertEquals(db.one("SELECT reporting.fn_tickets_for_map(" + SQL_NOW + ") #>> '{summary,freshness}'"),
                json(r, "{freshness}"));
        assertEquals("20260622T202007.csv", json(r, "{freshness,watermark_key}"));
        assertEquals("no-store", header(r, "Cache-Control"));
    }

    @Test
    void healthIs503QuicklyWhenNothingListensWhereTheDatabaseShouldBe() throws Exception {
        int nothing;
        try (ServerSocket s = new ServerSocket(0)) {
            nothing = s.getLocalPort();
        }
        Log down = new Log();
        DashboardServer s = DashboardServer.start(new ServerSettings("127.0.0.1", 0,
                DatabaseUrl.parse("postgres://reader:secret@127.0.0.1:" + nothing + "/fleettickets"), null, null),
                down, FAST, () -> NOW);
        try {
            long started = System.nanoTime();
            HttpResponse<byte[]> health = get(s, "/healthz");
            long ms = (System.nanoTime() - started) / 1_000_000;

            assertEquals(503, health.statusCode(), text(health));
            assertEquals("unavailable", json(health, "{status}"));
            assertEquals("unreachable", json(health, "{database}"));
            assertTrue(ms < 3000, "a database that is down is a quick 503: " + ms + " ms");
            assertFalse(text(health).contains(String.valueOf(nothing)), "the answer says nothing of where: " + text(health));

            HttpResponse<byte[]> api = get(s, "/api/inc/map");
            assertEquals(503, api.statusCode());
            assertEquals("database_unavailable", json(api, "{error}"));
            assertEquals(2, down.failures.size(), String.valueOf(down.failures));
            assertTrue(down.failures.get(0).startsWith("GET /healthz: database unreachable: "), down.failures.get(0));
            assertTrue(down.failures.get(0).contains("refused"), down.failures.get(0));
            assertFalse(down.failures.get(0).contains("secret"), "the log never shows the password");
            assertThrows(java.sql.SQLException.class, s::identity);
        } finally {
            s.stop();
        }
    }

    @Test
    void healthIs503OnADatabaseThatWasNeverMigrated() throws Exception {
        TestDatabase.Database empty = TestDatabase.get().emptyDatabase();
        Log notMigrated = new Log();
        DashboardServer s = DashboardServer.start(new ServerSettings("127.0.0.1", 0, DatabaseUrl.parse(empty.url()),
                null, null), notMigrated, FAST, () -> NOW);
        try {
            HttpResponse<byte[]> r = get(s, "/healthz");
            assertEquals(503, r.statusCode(), text(r));
            assertEquals("not_migrated", json(r, "{database}"));
            assertTrue(notMigrated.failures.get(0).contains("run: fleettickets migrate"), notMigrated.failures.get(0));
        } finally {
            s.stop();
        }
    }

    // The token --------------------------------------------------------------------------------

    @Test
    void withATokenTheApiNeedsItAndHealthDoesNot() throws Exception {
        HttpResponse<byte[]> none = get(guarded, "/api/inc/map");
        assertEquals(401, none.statusCode());
        assertEquals("unauthorized", json(none, "{error}"));
        assertEquals("Bearer realm=\"fleettickets\"", header(none, "WWW-Authenticate"));
        assertEquals(401, get(guarded, "/api/inc/map", "Authorization", "Bearer " + TOKEN + "x").statusCode());
        assertEquals(401, get(guarded, "/api/inc/map", "Authorization", "Basic " + TOKEN).statusCode());
        assertEquals(401, get(guarded, "/api/inc/map?token=" + TOKEN).statusCode(), "never in the query string");

        HttpResponse<byte[]> bearer = get(guarded, "/api/inc/map", "Authorization", "Bearer " + TOKEN);
        assertEquals(200, bearer.statusCode());
        assertArrayEquals(get("/api/inc/map").body(), bearer.body());

        assertEquals(200, get(guarded, "/healthz").statusCode());
    }

    @Test
    void withATokenAPageRedirectsToTheLoginFormWhoseCookieOpensEverything() throws Exception {
        HttpResponse<byte[]> page = get(guarded, "/");
        assertEquals(303, page.statusCode());
        assertEquals("/login", header(page, "Location"));

        HttpResponse<byte[]> form = get(guarded, "/login");
        assertEquals(200, form.statusCode());
        assertTrue(text(form).contains("<form method=\"post\" action=\"/login\">"), text(form));

        HttpResponse<byte[]> wrong = post(guarded, "/login", "token=" + TOKEN.substring(1));
        assertEquals(401, wrong.statusCode());
        assertTrue(text(wrong).contains("not the right one"), text(wrong));
        assertNull(header(wrong, "Set-Cookie"));

        HttpResponse<byte[]> right = post(guarded, "/login", "token=" + TOKEN.replace("-", "%2D"));
        assertEquals(303, right.statusCode(), text(right));
        assertEquals("/", header(right, "Location"));
        String setCookie = header(right, "Set-Cookie");
        assertTrue(setCookie.startsWith(AccessToken.COOKIE + "="), setCookie);
        assertTrue(setCookie.contains("; HttpOnly"), setCookie);
        assertTrue(setCookie.contains("; SameSite=Strict"), setCookie);
        assertTrue(setCookie.contains("; Path=/"), setCookie);
        assertFalse(setCookie.contains(TOKEN), "the cookie is not the token itself");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        assertEquals(200, get(guarded, "/api/inc/map", "Cookie", "theme=dark; " + cookie).statusCode());
        HttpResponse<byte[]> index = get(guarded, "/", "Cookie", cookie);
        assertEquals(200, index.statusCode());
        assertEquals(401, get(guarded, "/api/inc/map", "Cookie", cookie + "x").statusCode());
        assertEquals(401, get(guarded, "/api/inc/map", "Cookie", AccessToken.COOKIE + "=" + TOKEN).statusCode());

        assertTrue(header(post(guarded, "/login", "token=" + TOKEN, "X-Forwarded-Proto", "https"), "Set-Cookie")
                .endsWith("; Secure"), "behind an HTTPS proxy the cookie goes over HTTPS only");
    }

    @Test
    void withoutATokenTheLoginFormLeadsToTheMap() throws Exception {
        HttpResponse<byte[]> r = get("/login");
        assertEquals(303, r.statusCode());
        assertEquals("/", header(r, "Location"));
    }

    private static HttpResponse<byte[]> post(DashboardServer s, String path, String form, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    // CORS -----------------------------------------------------------------------------------

    @Test
    void corsAllowsTheConfiguredOriginAndNoOther() throws Exception {
        HttpResponse<byte[]> ours = get(guarded, "/api/inc/map", "Origin", ORIGIN, "Authorization", "Bearer " + TOKEN);
        assertEquals(200, ours.statusCode());
        assertEquals(ORIGIN, header(ours, "Access-Control-Allow-Origin"));
        assertTrue(ours.headers().allValues("Vary").contains("Origin"), String.valueOf(ours.headers().map()));

        HttpResponse<byte[]> theirs = get(guarded, "/api/inc/map", "Origin", "https://evil.example.com",
                "Authorization", "Bearer " + TOKEN);
        assertNull(header(theirs, "Access-Control-Allow-Origin"));

        assertNull(header(get("/api/inc/map", "Origin", ORIGIN), "Access-Control-Allow-Origin"),
                "without DASHBOARD_CORS_ORIGIN no origin is allowed");
    }

    @Test
    void aPreflightIsAnsweredWithoutTheTokenForTheConfiguredOriginOnly() throws Exception {
        HttpResponse<byte[]> ours = options(guarded, "/api/inc/dashboard", ORIGIN);
        assertEquals(204, ours.statusCode());
        assertEquals(ORIGIN, header(ours, "Access-Control-Allow-Origin"));
        assertEquals("GET, HEAD", header(ours, "Access-Control-Allow-Methods"));
        assertEquals("Authorization, If-None-Match", header(ours, "Access-Control-Allow-Headers"));

        HttpResponse<byte[]> theirs = options(guarded, "/api/inc/dashboard", "https://evil.example.com");
        assertNull(header(theirs, "Access-Control-Allow-Origin"));
        assertNull(header(theirs, "Access-Control-Allow-Methods"));
    }

    private static HttpResponse<byte[]> options(DashboardServer s, String path, String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(s, path)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                               | ''
            ?cluster=krn                     | p_cluster => 'krn',
            ?status=pending&cluster=         | p_status => 'pending',
            """)
    void theUnplacedTicketsAreTheSqlFunctionsJsonAsItIs(String query, String sqlArgs) throws Exception {
        HttpResponse<byte[]> r = get("/api/inc/unplaced" + query);
        assertEquals(200, r.statusCode(), text(r));
        assertEquals(db.one("SELECT reporting.fn_unplaced_tickets(" + sqlArgs + " p_now => " + SQL_NOW + ")::text"),
                text(r));
        HttpResponse<byte[]> bad = get("/api/inc/unplaced?status=resolved");
        assertEquals(400, bad.statusCode(), text(bad));
        assertEquals("status", json(bad, "{parameter}"));
    }

    @Test
    void theClustersAreTheSqlFunctionsJsonAsItIs() throws Exception {
        HttpResponse<byte[]> r = get("/api/inc/clusters");
        assertEquals(200, r.statusCode(), text(r) + " " + log.failures);
        assertEquals(db.one("SELECT reporting.fn_clusters()::text"), text(r));
        assertTrue(text(r).contains("\"KLM\""), text(r));
        assertEquals(400, get("/api/inc/clusters?cluster=KLM").statusCode(), "it takes no parameters");
    }

    @Test
    void thePageIsToldItsTilesRefreshAndStalenessAtConfigJson() throws Exception {
        HttpResponse<byte[]> plain = get("/config.json");
        assertEquals(200, plain.statusCode());
        assertEquals("application/json; charset=utf-8", header(plain, "Content-Type"));
        assertEquals("{\"tile_url\":null,\"tile_attribution\":null,\"refresh_seconds\":180,\"stale_after_minutes\":4320}",
                text(plain));

        PageSettings page = new PageSettings("https://tiles.example/{z}/{x}/{y}.png", "© \"Tiles\" <b>", 60, 90);
        DashboardServer s = start(new ServerSettings("127.0.0.1", 0, DatabaseUrl.parse(db.url()), null, null, page),
                () -> NOW);
        try {
            HttpResponse<byte[]> told = get(s, "/config.json");
            assertEquals("https://tiles.example/{z}/{x}/{y}.png", json(told, "{tile_url}"));
            assertEquals("© \"Tiles\" <b>", json(told, "{tile_attribution}"), "escaped as JSON, read back as given");
            assertEquals("60", json(told, "{refresh_seconds}"));
            assertEquals("90", json(told, "{stale_after_minutes}"));
        } finally {
            s.stop();
        }
    }

    // Static files -------------------------------------------------------------------------------

    @Test
    void thePageAndItsLibrariesAreServedWithTheirTypes() throws Exception {
        HttpResponse<byte[]> index = get("/");
        assertEquals(200, index.statusCode());
        assertEquals("text/html; charset=utf-8", header(index, "Content-Type"));
        assertEquals("no-cache", header(index, "Cache-Control"));
        assertArrayEquals(DashboardServerTest.class.getClassLoader().getResourceAsStream("web/index.html").readAllBytes(),
                index.body());
        assertArrayEquals(index.body(), get("/index.html").body());

        HttpResponse<byte[]> leaflet = get("/webjars/leaflet/1.9.4/dist/leaflet.js");
        assertEquals(200, leaflet.statusCode());
        assertEquals("text/javascript; charset=utf-8", header(leaflet, "Content-Type"));
        assertEquals("public, max-age=31536000, immutable", header(leaflet, "Cache-Control"));
        assertEquals("text/css; charset=utf-8", header(get("/webjars/leaflet/1.9.4/dist/leaflet.css"), "Content-Type"));
        assertEquals(200, get("/webjars/leaflet-markercluster/1.4.1/leaflet.markercluster.js").statusCode());
        assertEquals("text/javascript; charset=utf-8", header(get("/app.js"), "Content-Type"));
        assertEquals("text/css; charset=utf-8", header(get("/app.css"), "Content-Type"));
        assertEquals("application/geo+json", header(get("/kenya.geojson"), "Content-Type"));
        assertEquals("image/png", header(get("/webjars/leaflet/1.9.4/dist/images/marker-icon.png"), "Content-Type"));

        HttpResponse<byte[]> any = get("/fixture/hello.txt");
        assertEquals(200, any.statusCode(), "any file under web/ is served");
        assertEquals("text/plain; charset=utf-8", header(any, "Content-Type"));
        assertEquals(304, get("/fixture/hello.txt", "If-None-Match", header(any, "ETag")).statusCode());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/nothing-here.html", "/fixture", "/fixture/", "/webjars/leaflet/1.9.4/dist",
        "/webjars/leaflet/1.9.4/dist/", "/webjars/", "/webjars/leaflet"})
    void noDirectoryIsListedAndAMissingFileIs404(String path) throws Exception {
        HttpResponse<byte[]> r = get(path);
        assertEquals(404, r.statusCode(), text(r));
        assertEquals("not_found", json(r, "{error}"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/../ke/fleettickets/Main.class",
        "/%2e%2e/ke/fleettickets/Main.class",
        "/%2E%2E/ke/fleettickets/Main.class",
        "/.%2e/ke/fleettickets/Main.class",
        "/..%2fke%2ffleettickets%2fMain.class",
        "/%2e%2e%2fke%2ffleettickets%2fMain.class",
        "/%252e%252e/ke/fleettickets/Main.class",
        "/%c0%ae%c0%ae/ke/fleettickets/Main.class",
        "/fixture/../../ke/fleettickets/Main.class",
        "/fixture/%2e%2e/%2e%2e/ke/fleettickets/Main.class",
        "/webjars/../../ke/fleettickets/Main.class",
        "/webjars/%2e%2e/%2e%2e/%2e%2e/ke/fleettickets/Main.class",
        "/webjars/leaflet/1.9.4/../../../../ke/fleettickets/Main.class",
        "/..%5cke%5cfleettickets%5cMain.class",
        "/..\\ke\\fleettickets\\Main.class",
        "/%2e%2e/db/migrations/V001__schemas.sql",
        "/.%2E/.%2E/pom.xml",
        "/..;/ke/fleettickets/Main.class",
        "/%00/../ke/fleettickets/Main.class",
    })
    void aPathOutOfItsFolderIsRefusedHoweverItIsEncoded(String path) throws Exception {
        assertNotNull(DashboardServerTest.class.getClassLoader().getResource("ke/fleettickets/Main.class"),
                "the file the paths aim at is there to be had");
        String answer = rawRequest(server, path);
        String status = answer.substring(0, answer.indexOf("\r\n"));
        assertTrue(status.equals("HTTP/1.1 404 Not Found") || status.equals("HTTP/1.1 400 Bad Request"), status);
        assertFalse(answer.contains("CAFEBABE") || answer.contains("\u00ca\u00fe\u00ba\u00be"), "no class file");
        assertFalse(answer.contains("CREATE"), "no SQL file");
    }

    /** A request as written, untouched by a client library that might normalize it. */
    private static String rawRequest(DashboardServer s, String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", s.address().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    // The access log ---------------------------------------------------------------------------------

    @Test
    void eachRequestIsLoggedOnceWithoutItsQuery() throws Exception {
        HttpResponse<byte[]> r = get("/api/inc/dashboard?window=24h&cluster=secret-cluster");
        assertEquals(200, r.statusCode());

        // the line is written once the answer is sent, so it may come a moment after the client has it
        waitFor(() -> log.requests.stream().anyMatch(q -> q.path().equals("/api/inc/dashboard") && q.status() == 200
                && q.bytes() == r.body().length), "the request's line");
        Log.Request line = log.requests.stream().filter(q -> q.path().equals("/api/inc/dashboard") && q.status() == 200
                && q.bytes() == r.body().length).reduce((a, b) -> b).orElseThrow();
        assertEquals("GET", line.method());
        assertTrue(line.millis() >= 0 && line.millis() < 20_000, String.valueOf(line));
        assertTrue(log.requests.stream().noneMatch(q -> q.path().contains("secret") || q.path().contains("?")),
                "no query string is logged");
    }

    // Stopping --------------------------------------------------------------------------------------

    @Test
    void stopLetsARequestUnderWayFinishAndRefusesNewConnections() throws Exception {
        TestDatabase.Database own = TestDatabase.get().freshDatabase();
        DashboardServer s = DashboardServer.start(new ServerSettings("127.0.0.1", 0, DatabaseUrl.parse(own.url()),
                null, null), new Log(), FAST, () -> NOW);
        int port = s.address().getPort();
        try (Connection locker = own.connect(); Statement st = locker.createStatement()) {
            locker.setAutoCommit(false);
            st.execute("LOCK TABLE tickets.inc IN ACCESS EXCLUSIVE MODE");
            CompletableFuture<HttpResponse<byte[]>> underWay = http.sendAsync(
                    HttpRequest.newBuilder(uri(s, "/api/inc/map")).build(), HttpResponse.BodyHandlers.ofByteArray());
            waitFor(() -> "1".equals(own.one("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = 'fleettickets serve' AND wait_event_type = 'Lock'")),
                    "the request waits for the lock");

            CompletableFuture<Integer> stopped = CompletableFuture.supplyAsync(s::stop);
            waitFor(() -> {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return false;
                } catch (ConnectException refused) {
                    return true;
                }
            }, "the server stops listening at once");
            assertFalse(stopped.isDone(), "the stop waits for the request under way");

            locker.commit();
            HttpResponse<byte[]> r = underWay.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), text(r));
            assertEquals(own.one("SELECT reporting.fn_tickets_for_map(" + SQL_NOW + ")::text"), text(r));
            assertEquals(0, stopped.get(10, TimeUnit.SECONDS), "no request was cut off");
        }
        waitFor(() -> "0".equals(own.one("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND application_name = 'fleettickets serve'")), "every database session is closed");
    }

    @Test
    void stopWithNothingUnderWayIsQuick() throws Exception {
        DashboardServer s = start(settings(null, null), () -> NOW);
        assertEquals(200, get(s, "/healthz").statusCode());
        long started = System.nanoTime();
        assertEquals(0, s.stop());
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(ms < 1500, "a stop with nothing to wait for does not wait out the grace: " + ms + " ms");
        assertEquals(0, s.stop(), "a second stop does nothing");
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void waitFor(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(50);
        }
    }
}
