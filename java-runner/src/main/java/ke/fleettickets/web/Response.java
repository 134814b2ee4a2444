package ke.fleettickets.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import ke.fleettickets.Json;

/**
 * What a handler answers, before {@link Responder} sends it (with its ETag, gzip, CORS).
 *
 * @param cacheControl the Cache-Control header
 * @param tagged whether the body gets an ETag, so that a repeated request may get a 304
 * @param headers further headers (Location, Set-Cookie, Allow, WWW-Authenticate)
 */
record Response(int status, String contentType, byte[] body, String cacheControl, boolean tagged,
        Map<String, String> headers) {

    static final String JSON = "application/json; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";
    /** API answers: any cache revalidates first (the ETag makes that cheap), and shared caches keep none. */
    static final String REVALIDATE = "private, no-cache";
    static final String NO_STORE = "no-store";

    /** A read API answer: the function's JSON as it came. */
    static Response data(String json) {
        return new Response(200, JSON, json.getBytes(StandardCharsets.UTF_8), REVALIDATE, true, Map.of());
    }

    /** An error or a status: not cached. */
    static Response json(int status, Map<String, ?> fields) {
        return json(status, Json.object(fields));
    }

    static Response json(int status, String json) {
        return new Response(status, JSON, json.getBytes(StandardCharsets.UTF_8), NO_STORE, false, Map.of());
    }

    static Response error(int status, String error, String message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("error", error);
        fields.put("message", message);
        return json(status, fields);
    }

    static Response html(int status, String html) {
        return new Response(status, HTML, html.getBytes(StandardCharsets.UTF_8), NO_STORE, false, Map.of());
    }

    static Response redirect(String location) {
        return new Response(303, null, new byte[0], NO_STORE, false, Map.of("Location", location));
    }

    static Response empty(int status) {
        return new Response(status, null, new byte[0], NO_STORE, false, Map.of());
    }

    Response with(String header, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(header, value);
        return new Response(status, contentType, body, cacheControl, tagged, Map.copyOf(more));
    }
}
