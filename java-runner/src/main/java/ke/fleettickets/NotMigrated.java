package ke.fleettickets;

import java.sql.SQLException;
import java.util.Set;

import org.postgresql.util.PSQLException;

/**
 * The SQLSTATEs that mean the SQL the jar carries is not in the database (never
 * migrated, or by an older jar): an undefined schema, function or table.
 */
final class NotMigrated {
    private static final Set<String> STATES = Set.of("3F000", "42883", "42P01");

    static final String REMEDY = "run: fleettickets migrate";

    private NotMigrated() {
    }

    static boolean is(SQLException e) {
        return e.getSQLState() != null && STATES.contains(e.getSQLState());
    }

    /** The one line for a run whose first SQL call found nothing to call. */
    static InfrastructureException failure(String where, SQLException e) {
        String server = e instanceof PSQLException p && p.getServerErrorMessage() != null
                ? p.getServerErrorMessage().getMessage() : e.getMessage();
        return new InfrastructureException("the database at " + where + " is not migrated (" + OneLine.of(server)
                + " [SQLSTATE " + e.getSQLState() + "]); " + REMEDY, e);
    }
}
