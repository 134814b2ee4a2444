package ke.fleettickets;

/**
 * The exit status of a run, part of the command's contract with cron and CI.
 *
 * <ul>
 *   <li>{@link #OK} 0: every file was ingested (or, in a dry run, would have been).</li>
 *   <li>{@link #USAGE} 2: usage or configuration error: bad flags, a missing input file,
 *       a missing or invalid {@code DATABASE_URL}. Nothing was done.</li>
 *   <li>{@link #REJECTED_INPUT} 3: at least one file was rejected; the others were
 *       processed.</li>
 *   <li>{@link #INFRASTRUCTURE} 4: the database is unreachable, a file could not be read,
 *       or SQL failed unexpectedly. Files committed before the failure stay committed.</li>
 *   <li>{@link #LOCKED} 5: another run holds the one-writer lock; this one did nothing.</li>
 *   <li>{@link #STALE} 6 ({@code status} only): the data is staler than {@code --max-lag}, or
 *       there is none yet.</li>
 * </ul>
 * {@code status} also uses 3 (the latest file in the ledger was rejected or quarantined) and 4
 * (the database or the bucket unreachable, or the database lacking migrations of this jar).
 */
public final class ExitCode {
    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int REJECTED_INPUT = 3;
    public static final int INFRASTRUCTURE = 4;
    public static final int LOCKED = 5;
    public static final int STALE = 6;

    private ExitCode() {
    }
}
