package ke.fleettickets;

import java.sql.SQLException;

import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Why {@code migrate} failed, in one line: Flyway's own message names the script at best
 * and keeps the server's reason in a ruled-off block, so the line is built from the
 * exception chain instead: the script, the server's message, detail, hint and SQLSTATE.
 */
final class MigrationFailure {
    private MigrationFailure() {
    }

    static String describe(FlywayException e) {
        SQLException sql = sqlCause(e);
        if (sql == null) {
            // not the server's refusal (validation, a missing script): Flyway's first part says it
            String message = e.getMessage() == null ? e.toString() : e.getMessage().split("\n-{3,}")[0];
            return "migration failed: " + OneLine.of(message);
        }
        String script = script(e);
        return (script == null ? "migration failed: " : "migration " + Escaped.of(script) + " failed: ")
                + reason(sql);
    }

    /** The script Flyway was running, when it says; it does not while creating its history table. */
    private static String script(FlywayException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FlywayMigrateException m && m.getMigration() != null
                    && m.getMigration().getScript() != null && !m.getMigration().getScript().isBlank()) {
                String script = m.getMigration().getScript();
                return m.getLineNumber() > 0 ? script + " (line " + m.getLineNumber() + ")" : script;
            }
        }
        return null;
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    private static String reason(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        StringBuilder b = new StringBuilder();
        if (server == null) {
            b.append(OneLine.of(e.getMessage()));
        } else {
            b.append(OneLine.of(server.getMessage()));
            if (server.getDetail() != null && !server.getDetail().isBlank()) {
                b.append("; detail: ").append(OneLine.of(server.getDetail()));
            }
            if (server.getHint() != null && !server.getHint().isBlank()) {
                b.append("; hint: ").append(OneLine.of(server.getHint()));
            }
        }
        if (e.getSQLState() != null) {
            b.append(" [SQLSTATE ").append(e.getSQLState()).append(']');
        }
        return b.toString();
    }
}
