package ke.fleettickets.geocoding;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LocationIQ's forward geocoding ({@code GET /search}), one request per {@link #ask}, at
 * a steady rate. It classifies the answer by status and error message only; what the
 * results mean is the SQL's to decide.
 */
public final class LocationIq implements Provider {
    static final int LIMIT = 5;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** LocationIQ's answers are a few kB; anything this big is not one. */
    private static final int MAX_BODY_BYTES = 2 << 20;
    private static final Pattern ERROR_MESSAGE = Pattern.compile("\"error\"\\s*:\\s*\"([^\"\\\\]{0,200})\"");

    private final GeocoderSettings settings;
    private final String userAgent;
    private final RateLimiter limiter;
    private final HttpClient http;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    public LocationIq(GeocoderSettings settings, String userAgent, RateLimiter limiter) {
        this(settings, userAgent, limiter, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
    }

    LocationIq(GeocoderSettings settings, String userAgent, RateLimiter limiter, Duration connectTimeout,
            Duration requestTimeout) {
        if (settings.offline()) {
            throw new IllegalArgumentException("LocationIQ needs an API key");
        }
        this.settings = settings;
        this.userAgent = userAgent;
        this.limiter = limiter;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        // never follow a redirect: it could carry the key to another host
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return "locationiq";
    }

    @Override
    public boolean metered() {
        return true;
    }

    @Override
    public String describe(Candidate candidate) {
        return "GET " + masked(url(candidate, "***").toString());
    }

    @Override
    public Reply ask(Candidate candidate) throws InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url(candidate, settings.apiKey()))
                    .timeout(requestTimeout)
                    .header("User-Agent", userAgent)
                    .header("Accept", "application/json")
                    .GET().build();
        } catch (IllegalArgumentException e) {
            return new Reply.Failed("the request cannot be built: " + redact(e.getMessage()), false);
        }
        limiter.acquire();
        HttpResponse<InputStream> response;
        String body;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
                if (bytes.length > MAX_BODY_BYTES) {
                    return new Reply.Failed("HTTP " + response.statusCode() + " with an answer over "
                            + (MAX_BODY_BYTES >> 20) + " MB", true);
                }
                body = new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (HttpConnectTimeoutException e) {
            return new Reply.Failed("no connection within " + words(connectTimeout), true);
        } catch (HttpTimeoutException e) {
            return new Reply.Failed("no answer within " + words(requestTimeout), true);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Reply.Failed("I/O failure: " + redact(why), true);
        }
        return classify(response.statusCode(), body);
    }

    private Reply classify(int status, String body) {
        String message = errorMessage(body);
        if (status == 200) {
            if (startsLikeAnArray(body)) {
                return new Reply.Results(body);
            }
            return new Reply.Failed("malformed answer: HTTP 200 that is not a JSON array" + opening(body), true);
        }
        if (status == 404 && message != null && message.equalsIgnoreCase("Unable to geocode")) {
            return new Reply.NotFound();
        }
        if (status == 429) {
            String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
            return new Reply.RateLimited(m.contains("day") ? Reply.Period.DAY
                    : m.contains("minute") ? Reply.Period.MINUTE : Reply.Period.SECOND);
        }
        String said = message != null ? ": " + redact(message) : opening(body);
        if (status == 401 || status == 403) {
            throw new KeyRefused("LocationIQ at " + settings.maskedBaseUrl() + " refused the key (HTTP " + status
                    + said + "); check GEOCODER_API_KEY");
        }
        // 5xx may pass; another 4xx (a wrong base URL's 404, a 400) will not
        return new Reply.Failed("HTTP " + status + said, status >= 500);
    }

    /** A cheap look, not a parse: the database parses, and says when it is not JSON. */
    private static String words(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static boolean startsLikeAnArray(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '[') {
                return true;
            }
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\uFEFF') {
                return false;
            }
        }
        return false;
    }

    private static String errorMessage(String body) {
        Matcher m = ERROR_MESSAGE.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    /** The start of a body, for a reason: enough to tell XML from HTML from an empty answer. */
    private String opening(String body) {
        String flat = body.strip().replaceAll("\\s+", " ");
        if (flat.isEmpty()) {
            return " (empty body)";
        }
        return " (starts " + redact(flat.length() > 40 ? flat.substring(0, 40) + "…" : flat) + ")";
    }

    URI url(Candidate candidate, String key) {
        StringBuilder q = new StringBuilder("key=").append(encode(key))
                .append("&q=").append(encode(candidate.query()))
                .append("&format=json")  // without it LocationIQ answers XML
                .append("&countrycodes=ke")
                .append("&limit=").append(LIMIT);
        if (candidate.viewbox() != null) {
            q.append("&viewbox=").append(encode(candidate.viewbox())).append("&bounded=1");
        }
        return URI.create(settings.baseUrl() + "/search?" + q);
    }

    private String masked(String url) {
        String userInfo = settings.baseUrl().getRawUserInfo();
        return userInfo == null ? url : url.replace(userInfo + "@", "***@");
    }

    /** Whatever a server or the network says never shows the key. */
    String redact(String text) {
        if (text == null) {
            return "";
        }
        String key = settings.apiKey();
        String out = text.replace(key, "***").replace(encode(key), "***");
        String userInfo = settings.baseUrl().getRawUserInfo();
        return userInfo == null ? out : out.replace(userInfo, "***");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
