package ke.fleettickets;

/** A usage or configuration error: the run stops before doing anything, exit 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
