package ke.fleettickets.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;

import ke.fleettickets.PercentEncoded;

/**
 * Files from one folder of the classpath under one URL prefix: {@code /} from {@code web/}
 * (the map page; {@code index.html} for a path ending in {@code /}), {@code /webjars/} from
 * the web jars. Only regular files: no directory listing, and a path whose segments, once
 * decoded, hold {@code ..}, a hidden name, a slash, a backslash or a percent sign is not
 * found, whatever its encoding.
 */
final class StaticFiles {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("geojson", "application/geo+json"),
            Map.entry("map", "application/json; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("webmanifest", "application/manifest+json"));
    private static final String UNKNOWN_TYPE = "application/octet-stream";

    private final String prefix;
    private final String folder;
    private final String cacheControl;
    private final ClassLoader loader = StaticFiles.class.getClassLoader();

    /**
     * @param prefix the URL path they are under, ending in {@code /}
     * @param folder the classpath folder they come from, without a trailing {@code /}
     */
    StaticFiles(String prefix, String folder, String cacheControl) {
        this.prefix = prefix;
        this.folder = folder;
        this.cacheControl = cacheControl;
    }

    boolean serves(String rawPath) {
        return rawPath.startsWith(prefix);
    }

    Response handle(String method, String rawPath) throws IOException {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Response.empty(405).with("Allow", "GET, HEAD");
        }
        String name = resourceName(rawPath.substring(prefix.length()));
        byte[] bytes = name == null ? null : read(name);
        if (bytes == null) {
            return Response.error(404, "not_found", "no such file");
        }
        return new Response(200, type(name), bytes, cacheControl, true, Map.of());
    }

    /** The classpath name for the part of the path after the prefix, or null when it is not a file's. */
    private String resourceName(String rest) {
        String[] raw = rest.split("/", -1);
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            boolean last = i == raw.length - 1;
            if (raw[i].isEmpty() && last) {
                segments.add("index.html");
                continue;
            }
            String s = PercentEncoded.pathSegment(raw[i]);
            if (s == null || s.isEmpty() || s.startsWith(".") || s.chars().anyMatch(StaticFiles::refused)) {
                return null;
            }
            segments.add(s);
        }
        return folder + "/" + String.join("/", segments);
    }

    private static boolean refused(int c) {
        return c == '/' || c == '\\' || c == '%' || c == ':' || Character.isISOControl(c);
    }

    /** The file's bytes, or null when there is no regular file by that name. */
    private byte[] read(String name) throws IOException {
        URL url = loader.getResource(name);
        if (url == null) {
            return null;
        }
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            if (entry == null || entry.isDirectory()) {
                return null;
            }
        } else if ("file".equals(url.getProtocol())) {
            try {
                if (!Files.isRegularFile(Path.of(url.toURI()))) {
                    return null;
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                return null;
            }
        } else {
            return null;
        }
        try (InputStream in = connection.getInputStream()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
        }
    }

    private static String type(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        if (dot <= slash) {
            return UNKNOWN_TYPE;
        }
        return TYPES.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), UNKNOWN_TYPE);
    }
}
