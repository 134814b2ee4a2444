package ke.fleettickets;

import java.sql.SQLException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Why a file was rejected whole, and where: the line is null when the server did not say.
 * The decision is the database's; this only reads its SQLSTATE.
 */
record Rejection(Long line, String reason) {

    /** Bad CSV, bad encoding, a row too big for the server. */
    private static final Set<String> BAD_INPUT = Set.of("22P04", "22021", "22P05", "54000");
    /** The header problems create_staging raises. */
    private static final Set<String> HEADER = Set.of("FT001", "FT002", "FT003");
    /** The CONTEXT of a COPY error: {@code COPY inc_ab12, line 12, column c3: "..."}. */
    private static final Pattern COPY_LINE = Pattern.compile("COPY \\S+, line (\\d+)");

    /** @return the rejection, or null when the error is not about the file's content */
    static Rejection of(SQLException e) {
        String state = e.getSQLState();
        // FT004/FT005 are the caller's mistakes, not the file's: those stay failures
        if (state == null || !(HEADER.contains(state) || BAD_INPUT.contains(state))) {
            return null;
        }
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        if (server == null) {
            return new Rejection(null, OneLine.of(e.getMessage()));
        }
        String reason = server.getMessage();
        if (server.getDetail() != null && !server.getDetail().isBlank()) {
            reason += ": " + server.getDetail();
        }
        return new Rejection(line(state, server.getWhere()), OneLine.of(reason));
    }

    private static Long line(String state, String where) {
        if (HEADER.contains(state)) {
            return 1L;
        }
        if (where == null) {
            return null;
        }
        Matcher m = COPY_LINE.matcher(where);
        return m.find() ? Long.valueOf(m.group(1)) : null;
    }

    /** {@code line 12: reason}, or the reason alone when the line is unknown. */
    String describe() {
        return line == null ? reason : "line " + line + ": " + reason;
    }
}
