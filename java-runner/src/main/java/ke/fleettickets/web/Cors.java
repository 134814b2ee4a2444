package ke.fleettickets.web;

import com.sun.net.httpserver.Headers;

/**
 * Cross-origin reads for one configured origin (DASHBOARD_CORS_ORIGIN), and for no other:
 * a page there may call the API with a bearer token; any other origin's browser is told
 * nothing, so it refuses. Cookies never go cross-site (SameSite=Strict), so none are allowed.
 */
final class Cors {
    private final String origin;

    /** @param origin {@code https://host[:port]}, or null for none */
    Cors(String origin) {
        this.origin = origin;
    }

    /** A preflight: OPTIONS with Origin and Access-Control-Request-Method. */
    static boolean isPreflight(String method, Headers request) {
        return method.equals("OPTIONS") && request.containsKey("Origin")
                && request.containsKey("Access-Control-Request-Method");
    }

    /** The headers of any answer; those of a preflight too when {@code preflight}. */
    void apply(Headers request, Headers response, boolean preflight) {
        if (origin == null) {
            return;
        }
        response.add("Vary", "Origin");
        if (!origin.equals(request.getFirst("Origin"))) {
            return;
        }
        response.set("Access-Control-Allow-Origin", origin);
        if (preflight) {
            response.set("Access-Control-Allow-Methods", "GET, HEAD");
            response.set("Access-Control-Allow-Headers", "Authorization, If-None-Match");
            response.set("Access-Control-Max-Age", "600");
        } else {
            response.set("Access-Control-Expose-Headers", "ETag");
        }
    }
}
