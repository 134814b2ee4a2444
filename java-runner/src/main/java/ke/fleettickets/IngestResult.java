package ke.fleettickets;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** One row of {@code tickets.ingest_result}: what the ingest of one file did. */
record IngestResult(
        long ledgerId,
        String fileKey,
        String mode,
        long rowsRead,
        long inserted,
        long updated,
        long unchanged,
        long stale,
        long alarm,
        long sentinel,
        long rejectedRows,
        boolean truncated,
        boolean late,
        List<String> extraColumns,
        String watermarkBefore,
        String watermarkAfter,
        long ingestMillis) {

    static IngestResult from(ResultSet rs) throws SQLException {
        Array extra = rs.getArray("extra_columns");
        return new IngestResult(
                rs.getLong("ledger_id"),
                rs.getString("file_key"),
                rs.getString("mode"),
                rs.getLong("rows_read"),
                rs.getLong("inserted"),
                rs.getLong("updated"),
                rs.getLong("unchanged"),
                rs.getLong("stale"),
                rs.getLong("alarm"),
                rs.getLong("sentinel"),
                rs.getLong("rejected_rows"),
                rs.getBoolean("truncated"),
                rs.getBoolean("late"),
                extra == null ? List.of() : List.of((String[]) extra.getArray()),
                rs.getString("watermark_before"),
                rs.getString("watermark_after"),
                rs.getLong("ingest_ms"));
    }
}
