package ke.fleettickets.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * What a failed SQL call means for the client. The read API's domain errors (SQLSTATE
 * FT2xx: a bad window, status, range or position) are the caller's: 400 with the SQL's
 * message and hint. A database that cannot be reached or does not answer in time is a 503;
 * anything else is a 500 that says nothing of the SQL. The whole story is for the log.
 */
record SqlFailure(Kind kind, SQLException exception) {

    enum Kind {
        BAD_ARGUMENT, UNREACHABLE, LOGIN_REFUSED, TIMEOUT, NOT_MIGRATED, NOT_PERMITTED, OTHER
    }

    /** An undefined schema, function or table: the database lacks the SQL this jar reads. */
    private static final Set<String> NOT_MIGRATED = Set.of("3F000", "42883", "42P01");

    static SqlFailure of(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        Kind kind;
        if (state.startsWith("FT2")) {
            kind = Kind.BAD_ARGUMENT;
        } else if (state.startsWith("28")) {
            kind = Kind.LOGIN_REFUSED;
        } else if (e instanceof SQLTransientConnectionException || state.startsWith("08")
                || state.equals("57P01") || state.equals("57P03") || state.equals("53300")) {
            kind = Kind.UNREACHABLE;
        } else if (state.equals("57014")) {
            kind = Kind.TIMEOUT;
        } else if (NOT_MIGRATED.contains(state)) {
            kind = Kind.NOT_MIGRATED;
        } else if (state.equals("42501")) {
            kind = Kind.NOT_PERMITTED;
        } else {
            kind = Kind.OTHER;
        }
        return new SqlFailure(kind, e);
    }

    /** The client's answer: nothing of the SQL but a domain error's own message and hint. */
    Response response() {
        return switch (kind) {
            case BAD_ARGUMENT -> {
                ServerErrorMessage server = exception instanceof PSQLException p ? p.getServerErrorMessage() : null;
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("error", "bad_request");
                fields.put("code", exception.getSQLState());
                fields.put("message", server != null ? server.getMessage() : "bad request");
                fields.put("hint", server != null ? server.getHint() : null);
                yield Response.json(400, fields);
            }
            case UNREACHABLE, LOGIN_REFUSED, NOT_MIGRATED ->
                    Response.error(503, "database_unavailable", "the database is not available; try again shortly");
            case TIMEOUT -> Response.error(503, "timeout", "the database did not answer in time; try again shortly");
            case NOT_PERMITTED, OTHER -> Response.error(500, "internal", "internal error");
        };
    }

    /** The {@code database} field of a failed /healthz. */
    String healthState() {
        return switch (kind) {
            case LOGIN_REFUSED -> "login_refused";
            case NOT_MIGRATED -> "not_migrated";
            case TIMEOUT -> "timeout";
            case NOT_PERMITTED -> "permission_denied";
            case OTHER -> "error";
            default -> "unreachable";
        };
    }

    /** One line for the server's log: what the database said, or why it could not be asked. */
    String describe() {
        Throwable cause = exception instanceof SQLTransientConnectionException && exception.getCause() != null
                ? exception.getCause() : null;
        String what = switch (kind) {
            case UNREACHABLE, LOGIN_REFUSED -> "database unreachable";
            case TIMEOUT -> "database did not answer in time";
            case NOT_MIGRATED -> "database not migrated (run: fleettickets migrate)";
            case NOT_PERMITTED -> "the login may not read this (grant it fleettickets_reader)";
            default -> "database error";
        };
        String message = cause != null ? cause.getMessage() : exception.getMessage();
        String state = exception.getSQLState();
        return what + ": " + message + (state == null ? "" : " [SQLSTATE " + state + "]");
    }

    /** Failures worth an operator's attention; a client's bad argument is not one. */
    boolean logged() {
        return kind != Kind.BAD_ARGUMENT;
    }
}
