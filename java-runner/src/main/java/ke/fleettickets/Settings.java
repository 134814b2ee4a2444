package ke.fleettickets;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

import ke.fleettickets.geocoding.GeocoderSettings;
import ke.fleettickets.web.PageSettings;
import ke.fleettickets.web.ServerSettings;

/** Everything the runner takes from the environment; no other class reads it. */
final class Settings {
    private final Map<String, String> env;

    Settings(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Read on demand, so that commands without a database (generate) do not need it. */
    DatabaseUrl databaseUrl() {
        return DatabaseUrl.parse(env.get("DATABASE_URL"));
    }

    /** FLEETTICKETS_LOCK_TIMEOUT and FLEETTICKETS_STATEMENT_TIMEOUT, or their defaults. */
    Timeouts timeouts() {
        return new Timeouts(
                Timeouts.duration("FLEETTICKETS_LOCK_TIMEOUT", optional("FLEETTICKETS_LOCK_TIMEOUT", Timeouts.DEFAULT_LOCK)),
                Timeouts.duration("FLEETTICKETS_STATEMENT_TIMEOUT",
                        optional("FLEETTICKETS_STATEMENT_TIMEOUT", Timeouts.DEFAULT_STATEMENT)));
    }

    /** The RUSTFS_* variables; read only by --from-bucket. */
    BucketSettings bucket() {
        String endpoint = required("RUSTFS_ENDPOINT", "the S3 endpoint, e.g. https://s3.example.com");
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            // the reason and where, not the value: it may hold a password
            throw new UsageException("RUSTFS_ENDPOINT is not a URL: " + OneLine.of(e.getReason())
                    + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""));
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new UsageException("RUSTFS_ENDPOINT must be an http:// or https:// URL with a host, e.g. https://s3.example.com");
        }
        String attempts = optional("FLEETTICKETS_S3_MAX_ATTEMPTS", String.valueOf(BucketSettings.DEFAULT_MAX_ATTEMPTS));
        int maxAttempts;
        try {
            maxAttempts = Integer.parseInt(attempts.trim());
        } catch (NumberFormatException e) {
            maxAttempts = 0;
        }
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new UsageException("FLEETTICKETS_S3_MAX_ATTEMPTS must be a whole number from 1 to 20, not " + attempts);
        }
        return new BucketSettings(uri,
                optional("RUSTFS_REGION", BucketSettings.DEFAULT_REGION),
                optional("RUSTFS_BUCKET", BucketSettings.DEFAULT_BUCKET),
                required("RUSTFS_ACCESS_KEY_ID", "the S3 access key id"),
                required("RUSTFS_SECRET_ACCESS_KEY", "the S3 secret key"),
                maxAttempts);
    }

    /**
     * GEOCODER_API_KEY (none: the offline gazetteer), GEOCODER_BASE_URL,
     * GEOCODER_REQUESTS_PER_SECOND; read only by --geocode-clusters and --geocode-locations.
     */
    GeocoderSettings geocoder() {
        String key = env.get("GEOCODER_API_KEY");
        key = key == null || key.isBlank() ? null : key.trim();
        String base = optional("GEOCODER_BASE_URL", GeocoderSettings.DEFAULT_BASE_URL);
        URI uri;
        try {
            uri = new URI(base);
        } catch (URISyntaxException e) {
            // the reason and where, not the value: it may hold a password
            throw new UsageException("GEOCODER_BASE_URL is not a URL: " + OneLine.of(e.getReason())
                    + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : ""));
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new UsageException("GEOCODER_BASE_URL must be an http:// or https:// URL with a host and no query,"
                    + " e.g. " + GeocoderSettings.DEFAULT_BASE_URL);
        }
        String rate = optional("GEOCODER_REQUESTS_PER_SECOND",
                String.valueOf(GeocoderSettings.DEFAULT_REQUESTS_PER_SECOND));
        double perSecond;
        try {
            perSecond = Double.parseDouble(rate);
        } catch (NumberFormatException e) {
            perSecond = Double.NaN;
        }
        // at least one request an hour: a smaller rate is a typo, not a plan
        if (!(perSecond >= 1.0 / 3600) || perSecond > 1000 || !rate.matches("[0-9]*\\.?[0-9]+")) {
            throw new UsageException("GEOCODER_REQUESTS_PER_SECOND must be a positive number of requests per second"
                    + " (e.g. 1, 2 or 0.5, at most 1000), not " + rate);
        }
        String root = uri.toString().replaceAll("/+$", "");
        return new GeocoderSettings(key, URI.create(root), perSecond);
    }

    /**
     * What {@code serve} reads: DASHBOARD_DATABASE_URL (else DATABASE_URL), PORT (when
     * --port is not given), DASHBOARD_TOKEN and DASHBOARD_CORS_ORIGIN.
     *
     * @param port the --port option, or null
     */
    ServerSettings server(String bind, Integer port) {
        String dashboardUrl = env.get("DASHBOARD_DATABASE_URL");
        DatabaseUrl url = dashboardUrl == null || dashboardUrl.isBlank() ? databaseUrl()
                : DatabaseUrl.parse("DASHBOARD_DATABASE_URL", dashboardUrl);
        int chosenPort = port != null ? port : port(optional("PORT", String.valueOf(ServerSettings.DEFAULT_PORT)));
        String token = env.get("DASHBOARD_TOKEN");
        token = token == null || token.isBlank() ? null : token.strip();
        // the value is never echoed: it is a secret
        if (token != null && !token.matches("[\\x21-\\x7e]{" + ServerSettings.MIN_TOKEN_LENGTH + ",1024}")) {
            throw new UsageException("DASHBOARD_TOKEN must be " + ServerSettings.MIN_TOKEN_LENGTH
                    + " to 1024 visible ASCII characters without spaces, e.g. the output of: openssl rand -hex 32");
        }
        String origin = env.get("DASHBOARD_CORS_ORIGIN");
        return new ServerSettings(bind, chosenPort, url, token,
                origin == null || origin.isBlank() ? null : origin(origin.strip()), page());
    }

    /** MAP_TILE_URL, MAP_TILE_ATTRIBUTION, DASHBOARD_REFRESH_SECONDS, DASHBOARD_STALE_AFTER_MINUTES. */
    PageSettings page() {
        String tiles = env.get("MAP_TILE_URL");
        tiles = tiles == null || tiles.isBlank() ? null : tiles.strip();
        if (tiles != null && !tiles.matches("https?://[^\\s\"'<>]+")) {
            throw new UsageException("MAP_TILE_URL must be an http(s) URL template such as"
                    + " https://tile.openstreetmap.org/{z}/{x}/{y}.png, not " + OneLine.of(tiles));
        }
        String attribution = env.get("MAP_TILE_ATTRIBUTION");
        attribution = attribution == null || attribution.isBlank() ? null : attribution.strip();
        int refresh = whole("DASHBOARD_REFRESH_SECONDS", PageSettings.DEFAULT_REFRESH_SECONDS, 30, 86_400);
        int stale = whole("DASHBOARD_STALE_AFTER_MINUTES", PageSettings.DEFAULT_STALE_AFTER_MINUTES, 1, 525_600);
        return new PageSettings(tiles, attribution, refresh, stale);
    }

    private int whole(String name, int fallback, int min, int max) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        text = text.strip();
        if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
            throw new UsageException(name + " must be a whole number from " + min + " to " + max + ", not "
                    + OneLine.of(text));
        }
        return Integer.parseInt(text);
    }

    private static int port(String text) {
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) > 65535) {
            throw new UsageException("PORT must be a port number from 0 to 65535, not " + OneLine.of(text));
        }
        return Integer.parseInt(text);
    }

    /** As a browser sends it in Origin: scheme://host[:port], lower case, no default port, no path. */
    private static String origin(String value) {
        String expected = "DASHBOARD_CORS_ORIGIN must be an origin, http(s)://host[:port] without a path,"
                + " e.g. https://ops.example.com, not " + OneLine.of(value);
        URI uri;
        try {
            uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (URISyntaxException e) {
            throw new UsageException(expected);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
                || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new UsageException(expected);
        }
        int p = uri.getPort();
        boolean defaultPort = p == -1 || scheme.equals("http") && p == 80 || scheme.equals("https") && p == 443;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + p);
    }

    private String required(String name, String what) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException(name + " is not set: it must hold " + what);
        }
        return value.trim();
    }

    private String optional(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
