package ke.fleettickets;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * What the ingest of one file did, as far as the run reports it: the columns of the
 * {@code tickets.file_ledger} row that {@code tickets.ingest_from_staging} returns.
 */
record IngestResult(
        long ledgerId,
        long rowsRead,
        long inserted,
        long updated,
        long unchanged,
        long stale,
        long alarm,
        long rejectedRows,
        boolean truncated,
        boolean late,
        List<String> extraColumns) {

    static IngestResult from(ResultSet rs) throws SQLException {
        Array extra = rs.getArray("extra_columns");
        return new IngestResult(
                rs.getLong("ledger_id"),
                rs.getLong("rows_read"),
                rs.getLong("inserted"),
                rs.getLong("updated"),
                rs.getLong("unchanged"),
                rs.getLong("stale"),
                rs.getLong("alarm"),
                rs.getLong("rejected_rows"),
                rs.getBoolean("truncated"),
                rs.getBoolean("late"),
                extra == null ? List.of() : List.of((String[]) extra.getArray()));
    }
}
