package ke.fleettickets;

/** How a run records its files in the ledger ({@code tickets.ingest_mode}); chosen once per run. */
enum LedgerMode {
    /** The bucket drain with --apply. */
    APPLY("apply"),
    /** --from-bucket --reseed --apply: the bucket cutover. */
    RESEED("reseed"),
    /** Files named by hand (--inc-csv), applied. */
    MANUAL("manual"),
    /** Without --apply: each file is rolled back. */
    DRY_RUN("dry_run");

    private final String sqlName;

    LedgerMode(String sqlName) {
        this.sqlName = sqlName;
    }

    static LedgerMode of(boolean fromBucket, boolean reseed, boolean apply) {
        if (!apply) {
            return DRY_RUN;
        }
        return fromBucket ? (reseed ? RESEED : APPLY) : MANUAL;
    }

    boolean applies() {
        return this != DRY_RUN;
    }

    String sqlName() {
        return sqlName;
    }
}
