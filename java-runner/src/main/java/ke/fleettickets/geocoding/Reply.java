package ke.fleettickets.geocoding;

/** What a provider answered to one request, before anything is recorded. */
public sealed interface Reply {

    /** A JSON array (as far as a cheap look can tell), passed to the SQL untouched. */
    record Results(String json) implements Reply {
    }

    /** The provider knows no such place (LocationIQ's 404 "Unable to geocode"). */
    record NotFound() implements Reply {
    }

    /** Asked too fast for the provider's per-second, per-minute or per-day limit. */
    record RateLimited(Period period) implements Reply {
    }

    /** No usable answer; {@code retryable} when asking again may help (5xx, timeouts, I/O, a malformed body). */
    record Failed(String reason, boolean retryable) implements Reply {
    }

    enum Period { SECOND, MINUTE, DAY }
}
