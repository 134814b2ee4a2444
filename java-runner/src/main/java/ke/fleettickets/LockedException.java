package ke.fleettickets;

/** Another run holds the one-writer lock: exit 5, nothing done. */
final class LockedException extends RuntimeException {
    LockedException(String message) {
        super(message);
    }
}
