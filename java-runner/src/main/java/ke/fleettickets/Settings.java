package ke.fleettickets;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

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
        return new Timeouts(lockTimeout(), statementTimeout());
    }

    private String lockTimeout() {
        return Timeouts.duration("FLEETTICKETS_LOCK_TIMEOUT", optional("FLEETTICKETS_LOCK_TIMEOUT", Timeouts.DEFAULT_LOCK));
    }

    private String statementTimeout() {
        return Timeouts.duration("FLEETTICKETS_STATEMENT_TIMEOUT",
                optional("FLEETTICKETS_STATEMENT_TIMEOUT", Timeouts.DEFAULT_STATEMENT));
    }

    /**
     * Whether a bucket is configured at all: any of the variables that have no default is
     * set. {@link #bucket()} then says what is missing or wrong.
     */
    boolean bucketConfigured() {
        return isSet("RUSTFS_ENDPOINT") || isSet("RUSTFS_ACCESS_KEY_ID") || isSet("RUSTFS_SECRET_ACCESS_KEY");
    }

    /** The RUSTFS_* variables; read only by --from-bucket (and status, when a bucket is configured). */
    BucketSettings bucket() {
        URI uri = endpoint();
        int maxAttempts = maxAttempts();
        return new BucketSettings(uri,
                optional("RUSTFS_REGION", BucketSettings.DEFAULT_REGION),
                optional("RUSTFS_BUCKET", BucketSettings.DEFAULT_BUCKET),
                required("RUSTFS_ACCESS_KEY_ID", "the S3 access key id"),
                required("RUSTFS_SECRET_ACCESS_KEY", "the S3 secret key"),
                maxAttempts);
    }

    private URI endpoint() {
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
        return uri;
    }

    private int maxAttempts() {
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
        return maxAttempts;
    }

    /**
     * FLEETTICKETS_DRAIN_OVERLAP, a diagnostic: {@code off} makes the drain read, ingest and
     * move one file at a time, each step waiting for the one before (to measure what the
     * overlap gives, or to rule it out); {@code on} (the default) overlaps them.
     */
    boolean drainOverlap() {
        String value = optional("FLEETTICKETS_DRAIN_OVERLAP", "on");
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new UsageException("FLEETTICKETS_DRAIN_OVERLAP must be on or off, not " + OneLine.of(value));
        };
    }

    /**
     * GEOCODER_API_KEY (none: the offline gazetteer), GEOCODER_BASE_URL,
     * GEOCODER_REQUESTS_PER_SECOND; read only by --geocode-clusters and --geocode-locations.
     */
    GeocoderSettings geocoder() {
        return new GeocoderSettings(geocoderKey(), geocoderBaseUrl(), geocoderRate());
    }

    /** GEOCODER_API_KEY, or null: the offline gazetteer. */
    private String geocoderKey() {
        String key = env.get("GEOCODER_API_KEY");
        return key == null || key.isBlank() ? null : key.trim();
    }

    private URI geocoderBaseUrl() {
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
        return URI.create(uri.toString().replaceAll("/+$", ""));
    }

    private double geocoderRate() {
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
        return perSecond;
    }

    /**
     * What {@code serve} reads: DASHBOARD_DATABASE_URL (else DATABASE_URL), PORT (when
     * --port is not given), DASHBOARD_TOKEN and DASHBOARD_CORS_ORIGIN.
     *
     * @param port the --port option, or null
     */
    ServerSettings server(String bind, Integer port) {
        DatabaseUrl dashboardUrl = dashboardDatabaseUrl();
        DatabaseUrl url = dashboardUrl != null ? dashboardUrl : databaseUrl();
        int chosenPort = port != null ? port : port();
        return new ServerSettings(bind, chosenPort, url, token(), corsOrigin(), page());
    }

    /** DASHBOARD_DATABASE_URL, or null when it is not set (serve then reads DATABASE_URL). */
    private DatabaseUrl dashboardDatabaseUrl() {
        String dashboardUrl = env.get("DASHBOARD_DATABASE_URL");
        return dashboardUrl == null || dashboardUrl.isBlank() ? null
                : DatabaseUrl.parse("DASHBOARD_DATABASE_URL", dashboardUrl);
    }

    private int port() {
        return port(optional("PORT", String.valueOf(ServerSettings.DEFAULT_PORT)));
    }

    /** DASHBOARD_TOKEN, or null when the API is open. */
    private String token() {
        String token = env.get("DASHBOARD_TOKEN");
        token = token == null || token.isBlank() ? null : token.strip();
        // the value is never echoed: it is a secret
        if (token != null && !token.matches("[\\x21-\\x7e]{" + ServerSettings.MIN_TOKEN_LENGTH + ",1024}")) {
            throw new UsageException("DASHBOARD_TOKEN must be " + ServerSettings.MIN_TOKEN_LENGTH
                    + " to 1024 visible ASCII characters without spaces, e.g. the output of: openssl rand -hex 32");
        }
        return token;
    }

    /** DASHBOARD_CORS_ORIGIN as a browser sends it, or null for none. */
    private String corsOrigin() {
        String origin = env.get("DASHBOARD_CORS_ORIGIN");
        return origin == null || origin.isBlank() ? null : origin(origin.strip());
    }

    /** MAP_TILE_URL, MAP_TILE_ATTRIBUTION, DASHBOARD_REFRESH_SECONDS, DASHBOARD_STALE_AFTER_MINUTES. */
    PageSettings page() {
        return new PageSettings(tileUrl(), tileAttribution(), refreshSeconds(), staleAfterMinutes());
    }

    private String tileUrl() {
        String tiles = env.get("MAP_TILE_URL");
        tiles = tiles == null || tiles.isBlank() ? null : tiles.strip();
        if (tiles != null && !tiles.matches("https?://[^\\s\"'<>]+")) {
            throw new UsageException("MAP_TILE_URL must be an http(s) URL template such as"
                    + " https://tile.openstreetmap.org/{z}/{x}/{y}.png, not " + OneLine.of(tiles));
        }
        return tiles;
    }

    private String tileAttribution() {
        String attribution = env.get("MAP_TILE_ATTRIBUTION");
        return attribution == null || attribution.isBlank() ? null : attribution.strip();
    }

    private int refreshSeconds() {
        return whole("DASHBOARD_REFRESH_SECONDS", PageSettings.DEFAULT_REFRESH_SECONDS, 30, 86_400);
    }

    private int staleAfterMinutes() {
        return whole("DASHBOARD_STALE_AFTER_MINUTES", PageSettings.DEFAULT_STALE_AFTER_MINUTES, 1, 525_600);
    }

    /**
     * One setting as {@code fleettickets config} shows it.
     *
     * @param variable the environment variable
     * @param value the value in effect, as it may be printed (secrets as {@code ***}), or a
     *        note in parentheses when there is none
     * @param source where the value came from: {@code environment} (the variable itself), {@code default},
     *        {@code not set}, or {@code from OTHER} (another variable stands in for it)
     */
    record Shown(String variable, String value, String source) {
    }

    /** Every setting with what is in effect: the same parsing the commands do, one problem per setting that fails it. */
    record Effective(List<Shown> settings, List<String> problems) {
    }

    private static final String MASKED = "***";

    /**
     * Every variable the runner reads, parsed by the method its command uses: a value that
     * would stop a command is a problem here too, in the same words.
     */
    Effective effective() {
        List<Shown> shown = new ArrayList<>();
        Set<String> problems = new LinkedHashSet<>();
        show(shown, problems, "DATABASE_URL", () -> databaseUrl().toString());
        if (isSet("DASHBOARD_DATABASE_URL")) {
            show(shown, problems, "DASHBOARD_DATABASE_URL", () -> dashboardDatabaseUrl().toString());
        } else {
            // serve reads DATABASE_URL instead: say so, with its value
            Shown fallback = attempt(problems, "DATABASE_URL", () -> databaseUrl().toString());
            shown.add(new Shown("DASHBOARD_DATABASE_URL", fallback.value(), "from DATABASE_URL"));
        }
        show(shown, problems, "FLEETTICKETS_LOCK_TIMEOUT", this::lockTimeout);
        show(shown, problems, "FLEETTICKETS_STATEMENT_TIMEOUT", this::statementTimeout);

        boolean bucket = bucketConfigured();
        String noBucket = "(no bucket: --from-bucket cannot run)";
        show(shown, problems, "RUSTFS_ENDPOINT", () -> bucket ? BucketSettings.masked(endpoint()) : noBucket);
        show(shown, problems, "RUSTFS_REGION", () -> optional("RUSTFS_REGION", BucketSettings.DEFAULT_REGION));
        show(shown, problems, "RUSTFS_BUCKET", () -> optional("RUSTFS_BUCKET", BucketSettings.DEFAULT_BUCKET));
        show(shown, problems, "RUSTFS_ACCESS_KEY_ID",
                () -> bucket ? required("RUSTFS_ACCESS_KEY_ID", "the S3 access key id") : noBucket);
        show(shown, problems, "RUSTFS_SECRET_ACCESS_KEY", () -> {
            if (!bucket) {
                return noBucket;
            }
            required("RUSTFS_SECRET_ACCESS_KEY", "the S3 secret key");  // checked, never shown
            return MASKED;
        });
        show(shown, problems, "FLEETTICKETS_S3_MAX_ATTEMPTS", () -> String.valueOf(maxAttempts()));
        show(shown, problems, "FLEETTICKETS_DRAIN_OVERLAP", () -> drainOverlap() ? "on" : "off");

        show(shown, problems, "GEOCODER_API_KEY",
                () -> geocoderKey() == null ? "(the offline gazetteer answers)" : MASKED);
        show(shown, problems, "GEOCODER_BASE_URL", () -> GeocoderSettings.masked(geocoderBaseUrl()));
        show(shown, problems, "GEOCODER_REQUESTS_PER_SECOND", () -> GeocoderSettings.rate(geocoderRate()));

        show(shown, problems, "PORT", () -> String.valueOf(port()));
        show(shown, problems, "DASHBOARD_TOKEN",
                () -> token() == null ? "(the map and its API are open to whoever reaches the port)" : MASKED);
        show(shown, problems, "DASHBOARD_CORS_ORIGIN", () -> orNote(corsOrigin(), "(no other origin may call the API)"));
        show(shown, problems, "MAP_TILE_URL", () -> orNote(tileUrl(), "(the offline outline of Kenya)"));
        show(shown, problems, "MAP_TILE_ATTRIBUTION", () -> orNote(tileAttribution(), "(none)"));
        show(shown, problems, "DASHBOARD_REFRESH_SECONDS", () -> String.valueOf(refreshSeconds()));
        show(shown, problems, "DASHBOARD_STALE_AFTER_MINUTES", () -> String.valueOf(staleAfterMinutes()));
        return new Effective(List.copyOf(shown), List.copyOf(problems));
    }

    private void show(List<Shown> shown, Set<String> problems, String variable, Supplier<String> value) {
        shown.add(attempt(problems, variable, value));
    }

    /** The value in effect, or {@code (invalid)} with the reason kept among the problems. */
    private Shown attempt(Set<String> problems, String variable, Supplier<String> value) {
        String v;
        try {
            v = value.get();
        } catch (UsageException e) {
            problems.add(e.getMessage());
            v = "(invalid)";
        }
        // unset, a value is a default, or a note in parentheses says what its absence means
        return new Shown(variable, v, isSet(variable) ? "environment" : v.startsWith("(") ? "not set" : "default");
    }

    private static String orNote(String value, String note) {
        return value == null ? note : value;
    }

    private boolean isSet(String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
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
