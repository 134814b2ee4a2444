package ke.fleettickets.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local server answering {@code GET /v1/search} as LocationIQ does, on 127.0.0.1 and a
 * free port. Answers are scripted per query text ({@code q}): each request takes the next
 * answer of its query, the last one repeating; a query with no script gets a 404
 * "Unable to geocode". Every request is kept, with the time it arrived.
 */
public final class FakeLocationIq implements AutoCloseable {

    /** One answer: status, body, and how long to wait before sending it. */
    public record Answer(int status, String body, long delayMillis) {
        public static Answer ok(String json) {
            return new Answer(200, json, 0);
        }
    }

    /** A request as the server saw it: decoded query parameters, its User-Agent, when it came. */
    public record Request(long nanoTime, String path, Map<String, String> params, String userAgent, String rawQuery) {
        public String param(String name) {
            return params.get(name);
        }
    }

    public static final Answer UNABLE_TO_GEOCODE = new Answer(404, "{\"error\":\"Unable to geocode\"}", 0);
    public static final Answer RATE_LIMITED_SECOND = new Answer(429, "{\"error\":\"Rate Limited Second\"}", 0);
    public static final Answer RATE_LIMITED_DAY = new Answer(429, "{\"error\":\"Rate Limited Day\"}", 0);
    public static final Answer INVALID_KEY = new Answer(401, "{\"error\":\"Invalid key\"}", 0);
    public static final Answer SERVER_ERROR = new Answer(500, "{\"error\":\"Internal Server Error\"}", 0);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();

    public FakeLocationIq() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/search", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The GEOCODER_BASE_URL of this server. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Answers for one query text, in order; the last repeats. */
    public FakeLocationIq answer(String query, Answer... answers) {
        scripts.put(query, new ArrayDeque<>(List.of(answers)));
        return this;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String raw = exchange.getRequestURI().getRawQuery();
        Map<String, String> params = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.put(name, value);
            }
        }
        synchronized (this) {
            requests.add(new Request(System.nanoTime(), exchange.getRequestURI().getPath(), params,
                    exchange.getRequestHeaders().getFirst("User-Agent"), raw));
        }
        Answer answer = next(params.get("q"));
        try {
            if (answer.delayMillis() > 0) {
                Thread.sleep(answer.delayMillis());
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            boolean xml = answer.body().startsWith("<");
            exchange.getResponseHeaders().set("Content-Type", xml ? "text/xml" : "application/json; charset=UTF-8");
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (a timeout test): nothing to answer
        } finally {
            exchange.close();
        }
    }

    private Answer next(String query) {
        Deque<Answer> script = query == null ? null : scripts.get(query);
        if (script == null) {
            return UNABLE_TO_GEOCODE;
        }
        synchronized (script) {
            return script.size() > 1 ? script.poll() : script.peek();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
