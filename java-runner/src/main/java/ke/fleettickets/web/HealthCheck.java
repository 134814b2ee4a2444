package ke.fleettickets.web;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code GET /healthz}, open to all: 200 with the schema version and the freshness of the
 * feed (reporting.fn_health) while the database answers; 503 when it does not, or is not
 * migrated. The failure itself goes to the server's log, not to whoever asks.
 */
final class HealthCheck {
    static final String PATH = "/healthz";

    private final ReadApi api;

    HealthCheck(ReadApi api) {
        this.api = api;
    }

    /** @param failed told why the check failed, for the log */
    Response handle(String method, Consumer<SQLException> failed) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Response.empty(405).with("Allow", "GET, HEAD");
        }
        String health;
        try {
            health = api.health();
        } catch (SQLException e) {
            failed.accept(e);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("status", "unavailable");
            fields.put("database", SqlFailure.of(e).healthState());
            return Response.json(503, fields);
        }
        // the function's object, with the two facts only this side knows put first
        return Response.json(200, "{\"status\": \"ok\", \"database\": \"reachable\", " + health.substring(1));
    }
}
