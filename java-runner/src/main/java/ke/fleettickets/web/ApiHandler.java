package ke.fleettickets.web;

import java.sql.SQLException;
import java.util.List;

/**
 * {@code /api/inc/dashboard}, {@code /api/inc/map}, {@code /api/inc/nearest}, {@code /api/inc/unplaced}, {@code /api/inc/clusters}: the
 * parameters checked, then one SQL function called, its JSON passed through.
 */
final class ApiHandler {
    static final String PREFIX = "/api/";

    static final List<String> WINDOWS = List.of("24h", "7d", "30d");
    static final List<String> OPEN_STATUSES = List.of("open", "in_progress", "pending");

    private final ReadApi api;

    ApiHandler(ReadApi api) {
        this.api = api;
    }

    Response handle(String method, String path, String rawQuery) throws BadParameter, SQLException {
        Endpoint endpoint = switch (path) {
            case "/api/inc/dashboard" -> this::dashboard;
            case "/api/inc/map" -> this::map;
            case "/api/inc/nearest" -> this::nearest;
            case "/api/inc/unplaced" -> this::unplaced;
            case "/api/inc/clusters" -> this::clusters;
            default -> null;
        };
        if (endpoint == null) {
            return Response.error(404, "not_found",
                    "no such endpoint; there are /api/inc/dashboard, /api/inc/map, /api/inc/nearest, /api/inc/unplaced and /api/inc/clusters");
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Response.error(405, "method_not_allowed", "the API is read with GET").with("Allow", "GET, HEAD");
        }
        return Response.data(endpoint.call(rawQuery));
    }

    private interface Endpoint {
        String call(String rawQuery) throws BadParameter, SQLException;
    }

    private String dashboard(String rawQuery) throws BadParameter, SQLException {
        QueryParameters p = QueryParameters.parse(rawQuery, List.of("cluster", "status", "window", "from", "to"));
        return api.dashboard(p.text("cluster"), p.oneOf("status", OPEN_STATUSES), p.oneOf("window", WINDOWS),
                p.text("from"), p.text("to"));
    }

    private String map(String rawQuery) throws BadParameter, SQLException {
        QueryParameters.parse(rawQuery, List.of());
        return api.map();
    }

    private String unplaced(String rawQuery) throws BadParameter, SQLException {
        QueryParameters p = QueryParameters.parse(rawQuery, List.of("cluster", "status"));
        return api.unplaced(p.text("cluster"), p.oneOf("status", OPEN_STATUSES));
    }

    private String clusters(String rawQuery) throws BadParameter, SQLException {
        QueryParameters.parse(rawQuery, List.of());
        return api.clusters();
    }

    private String nearest(String rawQuery) throws BadParameter, SQLException {
        QueryParameters p = QueryParameters.parse(rawQuery, List.of("lon", "lat", "limit", "max_km"));
        double lon = QueryParameters.required("lon", p.decimal("lon", "36.8219"), "36.8219");
        double lat = QueryParameters.required("lat", p.decimal("lat", "-1.2921"), "-1.2921");
        return api.nearest(lon, lat, p.whole("limit", "10"), p.decimal("max_km", "25"));
    }
}
