package ke.fleettickets;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * What became of one file, as far as the run reports it: the columns of its
 * {@code tickets.file_ledger} row (an ingest's, a rejection's or a quarantine's).
 */
record IngestResult(
        long ledgerId,
        String outcome,
        long rowsRead,
        long inserted,
        long updated,
        long unchanged,
        long stale,
        long alarm,
        long rejectedRows,
        long headerRepeats,
        long untrustedUpdatedAt,
        boolean truncated,
        boolean late,
        List<String> extraColumns,
        String archiveKey,
        String error) {

    static IngestResult from(ResultSet rs) throws SQLException {
        return new IngestResult(
                rs.getLong("ledger_id"),
                rs.getString("outcome"),
                rs.getLong("rows_read"),
                rs.getLong("inserted"),
                rs.getLong("updated"),
                rs.getLong("unchanged"),
                rs.getLong("stale"),
                rs.getLong("alarm"),
                rs.getLong("rejected_rows"),
                rs.getLong("header_repeats"),
                rs.getLong("untrusted_updated_at"),
                rs.getBoolean("truncated"),
                rs.getBoolean("late"),
                TicketsSql.strings(rs.getArray("extra_columns")),
                rs.getString("archive_key"),
                rs.getString("error"));
    }
}
