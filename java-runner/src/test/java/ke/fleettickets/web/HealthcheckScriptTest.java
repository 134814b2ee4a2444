package ke.fleettickets.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ke.fleettickets.DatabaseUrl;
import ke.fleettickets.testing.TestDatabase;

/**
 * {@code scripts/healthcheck}, the image's HEALTHCHECK, against a real {@code serve}: the
 * container is healthy while /healthz answers 200, and not otherwise.
 */
class HealthcheckScriptTest {
    private static final Path SCRIPT = TestDatabase.projectDir().resolve("scripts/healthcheck");

    private static final DashboardServer.Listener QUIET = new DashboardServer.Listener() {
        @Override
        public void request(String method, String path, int status, long bytes, long millis) {
        }

        @Override
        public void failed(String method, String path, String reason) {
        }
    };

    private record Result(int exit, String out) {
    }

    private static Result healthcheck(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("PORT");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the check ends on its own");
        return new Result(p.exitValue(), out);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void healthyWhileServeAnswersWithItsDatabase() throws Exception {
        TestDatabase.Database db = TestDatabase.get().freshDatabase();
        DashboardServer s = DashboardServer.start(
                new ServerSettings("127.0.0.1", 0, DatabaseUrl.parse(db.url()), null, null), QUIET);
        try {
            int port = s.address().getPort();

            Result byArgument = healthcheck(Map.of(), String.valueOf(port));
            assertEquals(0, byArgument.exit(), byArgument.out());
            assertEquals("HTTP/1.1 200 OK\n", byArgument.out());

            Result byPort = healthcheck(Map.of("PORT", String.valueOf(port)));
            assertEquals(0, byPort.exit(), "PORT, as serve reads it: " + byPort.out());
        } finally {
            s.stop();
        }
    }

    @Test
    void unhealthyWhenTheDatabaseDoesNotAnswer() throws Exception {
        DashboardServer s = DashboardServer.start(new ServerSettings("127.0.0.1", 0,
                DatabaseUrl.parse("postgres://reader:secret@127.0.0.1:" + freePort() + "/fleettickets"), null, null),
                QUIET);
        try {
            Result r = healthcheck(Map.of(), String.valueOf(s.address().getPort()));

            assertEquals(1, r.exit(), r.out());
            assertEquals("HTTP/1.1 503 Service Unavailable\n", r.out());
        } finally {
            s.stop();
        }
    }

    @Test
    void unhealthyWhenNothingListens() throws Exception {
        int port = freePort();

        Result r = healthcheck(Map.of(), String.valueOf(port));

        assertEquals(1, r.exit(), r.out());
        assertEquals("nothing listens on port " + port + "\n", r.out());
    }

    @Test
    void theImageRunsThisScriptAsItsHealthCheck() throws Exception {
        List<String> dockerfile = Files.readAllLines(TestDatabase.projectDir().resolve("Dockerfile"));

        assertTrue(dockerfile.contains("COPY scripts/healthcheck /usr/local/bin/fleettickets-healthcheck"), "copied");
        assertTrue(dockerfile.stream().anyMatch(l -> l.matches("\\s*CMD \\[\"/usr/local/bin/fleettickets-healthcheck\"\\]")),
                "run by HEALTHCHECK: " + dockerfile);
    }
}
