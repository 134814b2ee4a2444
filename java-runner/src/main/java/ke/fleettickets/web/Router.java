package ke.fleettickets.web;

import java.io.IOException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * Every request, in one place and one order: CORS and preflight, /healthz (open), /login,
 * the token check, then the API or a static file; then one access-log line. A failure
 * becomes a JSON answer that says nothing of its cause, and one line in the log.
 */
final class Router implements HttpHandler {
    /** What the map page reads first: tiles, refresh, staleness ({@link PageSettings}). */
    static final String PAGE_CONFIG = "/config.json";

    private final ApiHandler api;
    private final HealthCheck health;
    private final LoginPage login;
    private final AccessToken token;
    private final Cors cors;
    private final StaticFiles webjars;
    private final StaticFiles pages;
    private final String pageConfig;
    private final DashboardServer.Listener listener;
    private volatile boolean stopping;

    Router(ApiHandler api, HealthCheck health, AccessToken token, Cors cors, PageSettings page,
            DashboardServer.Listener listener) {
        this.api = api;
        this.health = health;
        this.login = new LoginPage(token);
        this.token = token;
        this.cors = cors;
        // a web jar's path carries its version, so its files never change under that path
        this.webjars = new StaticFiles("/webjars/", "META-INF/resources/webjars", "public, max-age=31536000, immutable");
        // the page changes with each release: revalidate (cheap, with the ETag)
        this.pages = new StaticFiles("/", "web", "no-cache");
        this.pageConfig = page.json();
        this.listener = listener;
    }

    /** From now on every answer closes its connection. */
    void stopping() {
        stopping = true;
    }

    @Override
    public void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        String method = exchange.getRequestMethod();
        String path = Objects.requireNonNullElse(exchange.getRequestURI().getRawPath(), "");
        int status = 500;
        long bytes = 0;
        try {
            Response response;
            try {
                response = route(exchange, method, path);
            } catch (BadParameter e) {
                response = badParameter(e);
            } catch (SQLException e) {
                SqlFailure failure = SqlFailure.of(e);
                if (failure.logged()) {
                    listener.failed(method, path, failure.describe());
                }
                response = failure.response();
            } catch (RuntimeException e) {
                listener.failed(method, path, "unexpected failure: " + e);
                response = Response.error(500, "internal", "internal error");
            }
            if (stopping) {
                response = response.with("Connection", "close");
            }
            status = response.status();
            cors.apply(exchange.getRequestHeaders(), exchange.getResponseHeaders(),
                    Cors.isPreflight(method, exchange.getRequestHeaders()));
            bytes = Responder.send(exchange, response);
        } catch (IOException e) {
            // the client went away, or sent a body we could not read: nothing left to answer
            status = status == 500 ? 499 : status;
        } finally {
            exchange.close();
            listener.request(method, path, status, bytes, (System.nanoTime() - started) / 1_000_000);
        }
    }

    private Response route(HttpExchange exchange, String method, String path)
            throws BadParameter, SQLException, IOException {
        Headers request = exchange.getRequestHeaders();
        if (!path.startsWith("/")) {
            return Response.error(404, "not_found", "no such path");
        }
        if (method.equals("OPTIONS")) {
            // a preflight carries no credentials: it is answered before the token check
            return Response.empty(204).with("Allow", "GET, HEAD, OPTIONS");
        }
        if (path.equals(HealthCheck.PATH)) {
            return health.handle(method, e -> listener.failed(method, path, SqlFailure.of(e).describe()));
        }
        if (path.equals(LoginPage.PATH)) {
            return login.handle(exchange);
        }
        boolean isApi = path.startsWith(ApiHandler.PREFIX) || path.equals("/api");
        if (token != null && !token.allows(request.get("Authorization"), request.get("Cookie"))) {
            if (isApi || !(method.equals("GET") || method.equals("HEAD"))) {
                return Response.error(401, "unauthorized",
                                "this API needs Authorization: Bearer <token>, or the cookie of " + LoginPage.PATH)
                        .with("WWW-Authenticate", "Bearer realm=\"fleettickets\"");
            }
            return Response.redirect(LoginPage.PATH);
        }
        if (isApi) {
            return api.handle(method, path, exchange.getRequestURI().getRawQuery());
        }
        if (path.equals(PAGE_CONFIG)) {
            return method.equals("GET") || method.equals("HEAD") ? Response.data(pageConfig)
                    : Response.error(405, "method_not_allowed", "read it with GET").with("Allow", "GET, HEAD");
        }
        if (webjars.serves(path)) {
            return webjars.handle(method, path);
        }
        return pages.handle(method, path);
    }

    private static Response badParameter(BadParameter e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("error", "bad_parameter");
        fields.put("parameter", e.parameter());
        fields.put("message", e.getMessage());
        return Response.json(400, fields);
    }
}
