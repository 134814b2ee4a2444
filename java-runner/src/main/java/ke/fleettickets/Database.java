package ke.fleettickets;

import java.io.IOException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Opens the connection a run works on, and says plainly when it cannot. */
final class Database {
    private Database() {
    }

    static Connection connect(DatabaseUrl url) {
        return connect(url, null);
    }

    /**
     * @param timeouts bounds for every wait of the session (and a check, during long
     *        statements, that the runner is still there, so the work of a killed runner
     *        ends within seconds); null for none
     */
    static Connection connect(DatabaseUrl url, Timeouts timeouts) {
        Connection connection = open(url);
        if (timeouts == null) {
            return connection;
        }
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT set_config('lock_timeout', ?, false), set_config('statement_timeout', ?, false),"
                        + " CASE WHEN current_setting('server_version_num')::int >= 140000"
                        + " THEN set_config('client_connection_check_interval', ?, false) END")) {
            st.setString(1, timeouts.lock());
            st.setString(2, timeouts.statement());
            st.setString(3, Timeouts.CLIENT_CHECK);
            st.execute();
            connection.commit();  // settings made in a transaction last only if it commits
            return connection;
        } catch (SQLException e) {
            close(connection);
            throw new InfrastructureException("database at " + url.where() + " refused the session's timeouts: "
                    + OneLine.of(e.getMessage()), e);
        }
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the failure being reported matters more
        }
    }

    private static Connection open(DatabaseUrl url) {
        try {
            Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.connectionProperties());
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownHostException) {
                throw new InfrastructureException("database unreachable at " + url.where() + ": unknown host", e);
            }
            if (cause instanceof IOException && cause.getMessage() != null) {
                throw new InfrastructureException(
                        "database unreachable at " + url.where() + ": " + OneLine.of(cause.getMessage()), e);
            }
            throw new InfrastructureException(
                    "cannot connect to the database at " + url.where() + ": " + OneLine.of(e.getMessage()), e);
        }
    }
}
