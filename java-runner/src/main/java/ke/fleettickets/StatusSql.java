package ke.fleettickets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code fleettickets status} reads, one Java method per SQL function (and the ledger's
 * latest rows). Every time is the database's clock; the caller's transaction is read-only.
 */
final class StatusSql {
    private final Connection connection;

    StatusSql(Connection connection) {
        this.connection = connection;
    }

    /** One row of {@code tickets.feed_status}, measured at {@code now}. */
    record Feed(OffsetDateTime now, String watermarkKey, OffsetDateTime lastIngestAt, OffsetDateTime dataFreshTo,
            Integer contentLagMinutes, Integer minutesSinceLastFile, int rejectedFiles24h, int truncatedFiles24h,
            String lastFileKey, String lastOutcome, boolean stale, boolean lastFileFailed) {
    }

    Feed feedStatus(int maxLagMinutes) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT now() AS now, s.* FROM tickets.feed_status(p_now => now(),"
                        + " p_max_lag => make_interval(mins => ?)) AS s")) {
            st.setInt(1, maxLagMinutes);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("tickets.feed_status returned no row");
                }
                return new Feed(rs.getObject("now", OffsetDateTime.class), rs.getString("watermark_key"),
                        rs.getObject("last_ingest_at", OffsetDateTime.class),
                        rs.getObject("data_fresh_to", OffsetDateTime.class),
                        (Integer) rs.getObject("content_lag_minutes"), (Integer) rs.getObject("minutes_since_last_file"),
                        rs.getInt("rejected_files_24h"), rs.getInt("truncated_files_24h"),
                        rs.getString("last_file_key"), rs.getString("last_outcome"),
                        rs.getBoolean("stale"), rs.getBoolean("last_file_failed"));
            }
        }
    }

    /** One row of {@code tickets.placement_coverage}. */
    record Placement(String placedBy, long tickets, long openTickets) {
    }

    List<Placement> placementCoverage() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT placed_by, tickets, open_tickets FROM tickets.placement_coverage()");
                ResultSet rs = st.executeQuery()) {
            List<Placement> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new Placement(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
            return rows;
        }
    }

    /** A file the ledger recorded. */
    record LedgerRow(long ledgerId, String key, String mode, String outcome, int rows, OffsetDateTime finishedAt,
            String error, Long errorLine) {
    }

    /** The latest {@code limit} ledger rows, newest first. */
    List<LedgerRow> lastFiles(int limit) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT ledger_id, file_key, mode::text, outcome::text, rows_read, finished_at, error, error_line"
                        + " FROM tickets.file_ledger ORDER BY ledger_id DESC LIMIT ?")) {
            st.setInt(1, limit);
            try (ResultSet rs = st.executeQuery()) {
                List<LedgerRow> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(new LedgerRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5), rs.getObject(6, OffsetDateTime.class), rs.getString(7),
                            (Long) rs.getObject(8)));
                }
                return rows;
            }
        }
    }
}
