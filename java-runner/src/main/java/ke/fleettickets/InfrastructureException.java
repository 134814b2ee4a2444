package ke.fleettickets;

/** The database, S3 or the file system failed under us: the run stops, exit 4. */
final class InfrastructureException extends RuntimeException {
    InfrastructureException(String message) {
        super(message);
    }

    InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }
}
