package ke.fleettickets;

import java.util.Set;

/** The SQLSTATEs that mean the database lacks the SQL the jar carries: it is not migrated. */
final class Unmigrated {
    /** Undefined schema, function, table. */
    private static final Set<String> STATES = Set.of("3F000", "42883", "42P01");

    private Unmigrated() {
    }

    static boolean is(String sqlState) {
        return sqlState != null && STATES.contains(sqlState);
    }

    /** What to add to a failure line: how to migrate, when that is the cause. */
    static String hint(String sqlState) {
        return is(sqlState) ? "; the database is not migrated to this version: run fleettickets migrate" : "";
    }
}
