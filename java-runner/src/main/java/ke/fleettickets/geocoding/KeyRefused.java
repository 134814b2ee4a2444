package ke.fleettickets.geocoding;

/** LocationIQ refused the key (401/403): a configuration error, the run stops at once. */
public final class KeyRefused extends RuntimeException {
    KeyRefused(String message) {
        super(message);
    }
}
