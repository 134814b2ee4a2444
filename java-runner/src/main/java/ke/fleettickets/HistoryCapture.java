package ke.fleettickets;

import java.sql.Connection;
import java.sql.SQLException;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * {@code tickets.capture_history} in a transaction of its own, after the files of a run
 * (or alone, with --capture-history). The files are committed before it, so a capture that
 * fails takes none of them back; it stops the run as an outage, and the next capture
 * observes what this one could not.
 */
final class HistoryCapture {
    private HistoryCapture() {
    }

    /**
     * @param apply commit the capture; otherwise roll it back (a dry run reports what it would have written)
     * @param where the database, as the run's lines name it
     * @param afterFiles whether files were ingested before it (their commit stands whatever happens here)
     */
    static TicketsSql.History run(Connection connection, boolean apply, String where, boolean afterFiles) {
        try {
            TicketsSql.History history = new TicketsSql(connection).captureHistory();
            if (apply) {
                connection.commit();
            } else {
                connection.rollback();
            }
            return history;
        } catch (SQLException e) {
            if (NotMigrated.is(e)) {
                rollback(connection);
                throw NotMigrated.failure(where, e);
            }
            String holders = LockWait.holders(connection, e);
            rollback(connection);
            String state = e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]";
            throw new InfrastructureException("history capture (tickets.capture_history) failed at " + where + ": "
                    + OneLine.of(message(e)) + state + holders
                    + (afterFiles ? "; the files of this run stay committed, and the next run captures their history" : ""),
                    e);
        }
    }

    /** The server's message and its detail (FT501 names the lock's holder there). */
    private static String message(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        if (server == null || server.getMessage() == null) {
            return e.getMessage();
        }
        return server.getDetail() == null ? server.getMessage() : server.getMessage() + ": " + server.getDetail();
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException lost) {
            // the connection is gone: the failure that found it so is the news
        }
    }
}
