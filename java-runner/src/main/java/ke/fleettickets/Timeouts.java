package ke.fleettickets;

import java.util.regex.Pattern;

/**
 * How long a run's database work may wait (contract rule 11: nothing waits forever), as
 * PostgreSQL durations ({@code 30s}, {@code 10min}).
 *
 * @param lock a lock not granted within this ends the run, naming the lock
 * @param statement a statement running longer is cancelled; it also bounds how long the
 *        database goes on working for a runner that was killed
 */
record Timeouts(String lock, String statement) {
    static final String DEFAULT_LOCK = "30s";
    static final String DEFAULT_STATEMENT = "10min";
    /** How often the server checks, during a long statement, that the runner is still there. */
    static final String CLIENT_CHECK = "2s";

    private static final Pattern DURATION = Pattern.compile("[1-9][0-9]{0,8}\\s*(ms|s|min|h)");

    /** @throws UsageException unless the value is a positive duration with its unit */
    static String duration(String variable, String value) {
        if (!DURATION.matcher(value).matches()) {
            throw new UsageException(variable + " must be a positive duration with a unit (ms, s, min, h), e.g. 30s, not "
                    + value);
        }
        return value.replaceAll("\\s+", "");
    }
}
