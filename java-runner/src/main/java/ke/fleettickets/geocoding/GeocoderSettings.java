package ke.fleettickets.geocoding;

import java.net.URI;

/**
 * The geocoder a run asks: LocationIQ with an API key, or (no key) the offline gazetteer.
 * The key is a secret: {@link #toString()} and every URL this package prints mask it.
 *
 * @param apiKey LocationIQ's key, or null for the offline gazetteer
 * @param baseUrl LocationIQ's API root, without a trailing slash
 * @param requestsPerSecond the steady rate LocationIQ is asked at (the plan's limit)
 */
public record GeocoderSettings(String apiKey, URI baseUrl, double requestsPerSecond) {

    public static final String DEFAULT_BASE_URL = "https://us1.locationiq.com/v1";
    public static final double DEFAULT_REQUESTS_PER_SECOND = 1;

    public boolean offline() {
        return apiKey == null;
    }

    /** The base URL as it may be printed: user-info in it (user:password@) shows as ***. */
    public String maskedBaseUrl() {
        return masked(baseUrl);
    }

    /** A base URL as it may be printed: user-info in it (user:password@) shows as ***. */
    public static String masked(URI baseUrl) {
        String text = baseUrl.toString();
        String userInfo = baseUrl.getRawUserInfo();
        if (userInfo == null) {
            return text;
        }
        int start = text.indexOf("//") + 2;
        return text.substring(0, start) + "***" + text.substring(start + userInfo.length());
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return offline() ? "the offline gazetteer"
                : "LocationIQ at " + maskedBaseUrl() + " (" + rate(requestsPerSecond) + ")";
    }

    /** {@code 1 request/s}, {@code 0.5 requests/s}. */
    public static String rate(double perSecond) {
        String n = perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond);
        return n + (perSecond == 1 ? " request/s" : " requests/s");
    }
}
