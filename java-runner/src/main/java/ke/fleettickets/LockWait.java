package ke.fleettickets;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A lock not granted within {@code lock_timeout} (55P03) where the SQL did not name it
 * (the ingest's own waits raise FT501 with the holder): the run's line says who holds
 * locks on the fleettickets tables, so the operator knows which session to look at.
 */
final class LockWait {
    static final String TIMEOUT = "55P03";

    private LockWait() {
    }

    /** {@code ; locks held: …} for a lock timeout, asked on the failed connection after a rollback; else empty. */
    static String holders(Connection connection, SQLException e) {
        if (!TIMEOUT.equals(e.getSQLState())) {
            return "";
        }
        try {
            connection.rollback();
            String holders = new TicketsSql(connection).lockHolders();
            connection.rollback();
            return "; waited for a lock, held: " + holders;
        } catch (SQLException unavailable) {
            return "";  // the timeout itself is the news
        }
    }
}
