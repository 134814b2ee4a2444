package ke.fleettickets;

import java.io.IOException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Opens the connection a run works on, and says plainly when it cannot. */
final class Database {
    private Database() {
    }

    static Connection connect(DatabaseUrl url) {
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
