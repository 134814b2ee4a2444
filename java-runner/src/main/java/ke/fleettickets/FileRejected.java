package ke.fleettickets;

/** Raised when the runner itself finds a file unreadable as CSV before SQL sees it. */
final class FileRejected extends Exception {
    private final Rejection rejection;

    FileRejected(Rejection rejection) {
        super(rejection.reason());
        this.rejection = rejection;
    }

    Rejection rejection() {
        return rejection;
    }
}
