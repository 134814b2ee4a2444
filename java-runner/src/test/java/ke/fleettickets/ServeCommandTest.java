package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.RunnerProcess;
import ke.fleettickets.testing.TestDatabase;
import ke.fleettickets.web.ServerSettings;

/** {@code fleettickets serve} as an operator meets it: its configuration, its log, and SIGTERM. */
class ServeCommandTest {

    private static final String URL = "postgres://reader:pw@db.example:5432/tracksolid";

    @TempDir
    Path dir;

    /** A serve that is wrongly configured stops at once; one that is not would run until stopped. */
    private static CliRun serve(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> CliRun.of(env, all));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --port 70000                                      | --port is a port number from 0 to 65535, not 70000
            --log-format xml                                  | --log-format is text or json, not xml
            PORT=http                                         | PORT must be a port number from 0 to 65535, not http
            DASHBOARD_TOKEN=short-s3cret                      | DASHBOARD_TOKEN must be 16 to 1024 visible ASCII characters without spaces
            DASHBOARD_TOKEN=a long token with spaces          | DASHBOARD_TOKEN must be 16 to 1024 visible ASCII characters without spaces
            DASHBOARD_CORS_ORIGIN=https://ops.example.com/map | DASHBOARD_CORS_ORIGIN must be an origin
            DASHBOARD_CORS_ORIGIN=*                           | DASHBOARD_CORS_ORIGIN must be an origin
            DASHBOARD_DATABASE_URL=mysql://u:hunter2@h/db     | DASHBOARD_DATABASE_URL is malformed (unknown scheme)
            MAP_TILE_URL=javascript:alert(1)                  | MAP_TILE_URL must be an http(s) URL template
            DASHBOARD_REFRESH_SECONDS=5                       | DASHBOARD_REFRESH_SECONDS must be a whole number from 30 to 86400, not 5
            DASHBOARD_STALE_AFTER_MINUTES=soon                | DASHBOARD_STALE_AFTER_MINUTES must be a whole number from 1 to 525600, not soon
            """)
    void aBadSettingStopsWithExit2AndOneLine(String setting, String message) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", URL));
        CliRun r;
        if (setting.startsWith("--")) {
            r = serve(env, setting.split(" "));
        } else {
            String[] kv = setting.split("=", 2);
            env.put(kv[0], kv[1]);
            r = serve(env);
        }

        assertEquals(ExitCode.USAGE, r.exit(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("fleettickets: " + message), r.err());
        assertFalse(r.err().contains("s3cret") || r.err().contains("hunter2") || r.err().contains("with spaces"),
                "a secret is never printed: " + r.err());
    }

    @Test
    void anAddressItCannotListenOnIsAnOutage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            CliRun r = serve(Map.of("DATABASE_URL", URL), "--bind", "127.0.0.1", "--port",
                    String.valueOf(taken.getLocalPort()), "--log-format", "json");
            assertEquals(ExitCode.INFRASTRUCTURE, r.exit(), r.err());
            assertTrue(r.err().startsWith("{\"event\":\"error\",\"exit\":4,\"message\":\"serve: cannot listen on 127.0.0.1:"),
                    r.err());
        }
    }

    @Test
    void theDashboardUrlOverridesDatabaseUrlAndPortTheDefaultPort() {
        Settings settings = new Settings(Map.of("DATABASE_URL", URL, "DASHBOARD_DATABASE_URL",
                "postgres://dashboard:pw@db.example:5432/tracksolid", "PORT", "9090",
                "DASHBOARD_CORS_ORIGIN", "HTTPS://Ops.Example.com:443/"));
        ServerSettings s = settings.server("0.0.0.0", null);
        assertEquals("postgres://dashboard:***@db.example:5432/tracksolid", s.database().toString());
        assertEquals(9090, s.port());
        assertEquals(8081, settings.server("0.0.0.0", 8081).port(), "--port wins over PORT");
        assertEquals("https://ops.example.com", s.corsOrigin(), "as a browser sends it in Origin");
        assertNull(s.token());

        ServerSettings plain = new Settings(Map.of("DATABASE_URL", URL)).server("0.0.0.0", null);
        assertEquals(ServerSettings.DEFAULT_PORT, plain.port());
        assertEquals("postgres://reader:***@db.example:5432/tracksolid", plain.database().toString());
        ServerSettings guarded = new Settings(Map.of("DATABASE_URL", URL, "DASHBOARD_TOKEN", "0123456789abcdef0123"))
                .server("0.0.0.0", null);
        assertFalse(guarded.toString().contains("0123456789abcdef0123"), guarded.toString());
        assertThrows(UsageException.class, () -> new Settings(Map.of()).server("0.0.0.0", null));
    }

    @Test
    void helpListsServe() {
        CliRun r = CliRun.of(Map.of(), "serve", "--help");
        assertEquals(ExitCode.OK, r.exit());
        assertTrue(r.out().contains("--bind=ADDRESS"), r.out());
        assertTrue(r.out().contains("DASHBOARD_TOKEN"), r.out());
        assertTrue(CliRun.of(Map.of(), "--help").out().contains("serve"));
    }

    @Test
    void sigtermLetsTheRequestUnderWayFinishThenStopsAndTheLogIsOneJsonObjectPerLine() throws Exception {
        TestDatabase.Database db = TestDatabase.get().freshDatabase();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path output = dir.resolve("serve.log");
        Process serve = RunnerProcess.start(Map.of("DATABASE_URL", db.url()), output,
                "serve", "--bind", "127.0.0.1", "--port", String.valueOf(port), "--log-format", "json");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            waitFor(() -> Files.readString(output).contains("\"message\":\"listening on http://127.0.0.1:" + port), output);
            waitFor(() -> Files.readString(output).contains("as fleettickets_reader"), output);
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/inc/dashboard?window=2w&token=s3cret")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode(), bad.body());

            try (var locker = db.connect(); var st = locker.createStatement()) {
                locker.setAutoCommit(false);
                st.execute("LOCK TABLE tickets.inc IN ACCESS EXCLUSIVE MODE");
                var underWay = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/inc/map")).build(), HttpResponse.BodyHandlers.ofString());
                waitFor(() -> "1".equals(db.one("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND application_name = 'fleettickets serve' AND wait_event_type = 'Lock'")), output);

                serve.destroy();  // SIGTERM
                waitFor(() -> Files.readString(output).contains("\"message\":\"stopping: "), output);
                Thread.sleep(300);
                assertTrue(serve.isAlive(), "the stop waits for the request under way");
                locker.commit();
                HttpResponse<String> r = underWay.get(10, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("close", r.headers().firstValue("Connection").orElse(null),
                        "an answer given while stopping closes its connection");
            }
            assertTrue(serve.waitFor(15, TimeUnit.SECONDS), "serve ends after SIGTERM");
            assertEquals(143, serve.exitValue(), "the exit status of a process ended by SIGTERM");
        } finally {
            if (serve.isAlive()) {
                RunnerProcess.kill(serve);
            }
        }

        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        for (String line : lines) {
            assertTrue(line.startsWith("{\"event\":\"") && line.endsWith("}"), "one JSON object per line: " + line);
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\{\"event\":\"request\",\"method\":\"GET\","
                + "\"path\":\"/api/inc/dashboard\",\"status\":400,\"bytes\":\\d+,\"ms\":\\d+}")), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"event\":\"request\",\"method\":\"GET\","
                + "\"path\":\"/api/inc/map\",\"status\":200,")), String.join("\n", lines));
        assertFalse(String.join("\n", lines).contains("s3cret"), "the query string is never logged");
        assertTrue(lines.get(lines.size() - 1).matches("\\{\"event\":\"note\",\"message\":\"stopped in \\d+ ms\"}"),
                lines.get(lines.size() - 1));
        waitFor(() -> "0".equals(db.one("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND application_name = 'fleettickets serve'")), output);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void waitFor(Check check, Path output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; the server printed:\n"
                        + (Files.exists(output) ? Files.readString(output) : ""));
            }
            Thread.sleep(50);
        }
    }
}
