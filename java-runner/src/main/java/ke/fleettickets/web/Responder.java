package ke.fleettickets.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

/**
 * Sends a {@link Response}: its ETag (a hash of the body) and a 304 when the client has
 * that body already, gzip when the client takes it, and nothing but headers for HEAD.
 */
final class Responder {
    /** Below this, gzip saves too little to be worth it. */
    static final int GZIP_FROM = 256;
    private static final String GZIP_SUFFIX = "-gzip";

    private Responder() {
    }

    /** @return the body bytes written (after compression), for the access log */
    static long send(HttpExchange exchange, Response r) throws IOException {
        Headers out = exchange.getResponseHeaders();
        if (r.contentType() != null) {
            out.set("Content-Type", r.contentType());
        }
        out.set("Cache-Control", r.cacheControl());
        out.set("X-Content-Type-Options", "nosniff");
        r.headers().forEach(out::set);
        boolean compressible = compressible(r.contentType()) && r.body().length >= GZIP_FROM;
        if (compressible) {
            out.add("Vary", "Accept-Encoding");
        }
        boolean gzip = compressible && acceptsGzip(exchange.getRequestHeaders().get("Accept-Encoding"));
        if (r.tagged()) {
            String hash = hash(r.body());
            // the gzip body is another representation, so it has its own tag; both match a revalidation
            out.set("ETag", "\"" + hash + (gzip ? GZIP_SUFFIX : "") + "\"");
            if (r.status() == 200 && matches(exchange.getRequestHeaders().get("If-None-Match"), hash)) {
                exchange.sendResponseHeaders(304, -1);
                return 0;
            }
        }
        byte[] body = r.body();
        if (gzip) {
            body = gzip(body);
            out.set("Content-Encoding", "gzip");
        }
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        if (head || body.length == 0 || r.status() == 204 || r.status() == 304) {
            // -1: no body (0 would mean a chunked one)
            exchange.sendResponseHeaders(r.status(), -1);
            return 0;
        }
        exchange.sendResponseHeaders(r.status(), body.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
        }
        return body.length;
    }

    static String hash(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** If-None-Match: a list of tags, weak or strong, or *; either representation's tag matches. */
    static boolean matches(List<String> ifNoneMatch, String hash) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String header : ifNoneMatch) {
            for (String tag : header.split(",")) {
                String t = tag.strip();
                if (t.equals("*")) {
                    return true;
                }
                if (t.startsWith("W/")) {
                    t = t.substring(2);
                }
                if (t.equals("\"" + hash + "\"") || t.equals("\"" + hash + GZIP_SUFFIX + "\"")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Accept-Encoding names gzip (or *) without q=0. */
    static boolean acceptsGzip(List<String> acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String header : acceptEncoding) {
            for (String item : header.split(",")) {
                String[] parts = item.split(";");
                String coding = parts[0].strip().toLowerCase(Locale.ROOT);
                if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) {
                    continue;
                }
                boolean refused = false;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
                    if (p.matches("q=0(\\.0{0,3})?")) {
                        refused = true;
                    }
                }
                if (!refused) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean compressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.startsWith("application/json") || type.startsWith("application/geo+json")
                || type.startsWith("application/javascript") || type.startsWith("image/svg+xml");
    }

    private static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(body);
        }
        return bytes.toByteArray();
    }
}
