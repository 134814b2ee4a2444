package ke.fleettickets;

import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Why a file was rejected whole, and where: the line is null when nobody said. Whether an
 * error rejects the file is the database's call ({@code tickets.rejects_file}); this only
 * puts the server's words in the file's terms: the line the record starts on, and the
 * header's names instead of the staging table's positional columns.
 */
record Rejection(Long line, String reason) {

    /** The CONTEXT of a COPY error: {@code COPY inc_ab12, line 12, column c3: "..."}. */
    private static final Pattern COPY_LINE = Pattern.compile("COPY \\S+, line (\\d+)");
    /** A CONTEXT quoting the record, which starts with the line the runner sent: {@code line 12: "5,INC1,..."}. */
    private static final Pattern QUOTED_RECORD = Pattern.compile("COPY \\S+, line \\d+: \"(\\d+),");
    /** A staging column as COPY names it: {@code column "c3"} or {@code column c3}. */
    private static final Pattern STAGING_COLUMN = Pattern.compile("column \"?c(\\d+)\"?");
    /** A line an FT1xx error names in its message. */
    private static final Pattern NAMED_LINE = Pattern.compile("\\bline (\\d+)\\b");

    /**
     * @param records the body as COPY got it, to turn COPY's record numbers into lines; null if none was sent
     * @param columns the header names, in file order (staging column cN is columns[N-1])
     */
    static Rejection of(SQLException e, NumberedRecords records, List<String> columns) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        if (server == null) {
            return new Rejection(null, OneLine.of(e.getMessage()));
        }
        String reason = server.getMessage();
        if (server.getDetail() != null && !server.getDetail().isBlank()) {
            reason += ": " + server.getDetail();
        }
        return new Rejection(line(state, server, records), OneLine.of(named(reason, columns)));
    }

    private static Long line(String state, ServerErrorMessage server, NumberedRecords records) {
        Matcher quoted = server.getWhere() == null || records == null ? null : QUOTED_RECORD.matcher(server.getWhere());
        if (quoted != null && quoted.find()) {
            return Long.valueOf(quoted.group(1));
        }
        Matcher copy = server.getWhere() == null ? null : COPY_LINE.matcher(server.getWhere());
        if (copy != null && copy.find()) {
            long copyLine = Long.parseLong(copy.group(1));
            return records == null ? copyLine : records.lineOf(copyLine);
        }
        if (state.startsWith("FT1")) {
            Matcher named = NAMED_LINE.matcher(server.getMessage());
            return named.find() ? Long.valueOf(named.group(1)) : 1L;  // the header's problems are line 1
        }
        return null;
    }

    private static String named(String text, List<String> columns) {
        Matcher m = STAGING_COLUMN.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            int position = Integer.parseInt(m.group(1));
            String name = position >= 1 && position <= columns.size() ? columns.get(position - 1) : null;
            m.appendReplacement(b, Matcher.quoteReplacement(name == null ? m.group() : "column \"" + name + "\""));
        }
        return m.appendTail(b).toString();
    }

    /** {@code line 12: reason}, or the reason alone when the line is unknown. */
    String describe() {
        if (line == null) {
            return reason;
        }
        // a reason that starts by naming its line already (FT104) is not told the line twice
        String own = "line " + line + " ";
        return "line " + line + ": " + (reason.startsWith(own) ? reason.substring(own.length()) : reason);
    }
}
