package ke.fleettickets;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.postgresql.PGConnection;

/**
 * The ingest API of the {@code tickets} schema, one Java method per SQL function, called
 * with named arguments. Transactions are the caller's.
 */
final class TicketsSql {
    private static final int COPY_BUFFER_BYTES = 1 << 16;

    private final Connection connection;

    TicketsSql(Connection connection) {
        this.connection = connection;
    }

    /** @return the qualified name of the staging table created for the file */
    String createStaging(String key, String header) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT tickets.create_staging(p_key => ?, p_header => ?)")) {
            st.setString(1, key);
            st.setString(2, header);
            return single(st).getString(1);
        }
    }

    /** Streams the file's bytes, exactly as they are, into the staging table. */
    long copyIntoStaging(String table, InputStream bytes) throws SQLException, IOException {
        return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "COPY " + table + " FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')",
                bytes, COPY_BUFFER_BYTES);
    }

    IngestResult ingestFromStaging(String key, String etag, long sizeBytes, String mode) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT * FROM tickets.ingest_from_staging(p_key => ?, p_etag => ?, p_size_bytes => ?, p_mode => ?)")) {
            st.setString(1, key);
            st.setString(2, etag);
            st.setLong(3, sizeBytes);
            st.setString(4, mode);
            return IngestResult.from(single(st));
        }
    }

    /** @return the ledger id of the rejected file */
    long recordRejectedFile(String key, String reason, Long line, String etag, long sizeBytes, String mode)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT tickets.record_rejected_file(p_key => ?, p_reason => ?, p_line => ?,"
                        + " p_etag => ?, p_size_bytes => ?, p_mode => ?)")) {
            st.setString(1, key);
            st.setString(2, reason);
            if (line == null) {
                st.setNull(3, Types.BIGINT);
            } else {
                st.setLong(3, line);
            }
            st.setString(4, etag);
            st.setLong(5, sizeBytes);
            st.setString(6, mode);
            return single(st).getLong(1);
        }
    }

    /** One decision of {@code tickets.plan_bucket_files} about a listed key. */
    record Planned(String key, String etag, long sizeBytes, String action, String reason, boolean late) {
    }

    List<Planned> planBucketFiles(List<Bucket.Listed> listing, boolean reseed) throws SQLException {
        List<Map<String, ?>> rows = new ArrayList<>();
        for (Bucket.Listed l : listing) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("key", l.key());
            row.put("etag", l.etag());
            row.put("size", l.size());
            rows.add(row);
        }
        String json = "[" + String.join(",", rows.stream().map(Json::object).toList()) + "]";
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT * FROM tickets.plan_bucket_files(p_listing => ?::jsonb, p_reseed => ?)")) {
            st.setString(1, json);
            st.setBoolean(2, reseed);
            List<Planned> plan = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    plan.add(new Planned(rs.getString("file_key"), rs.getString("etag"), rs.getLong("size_bytes"),
                            rs.getString("action"), rs.getString("reason"), rs.getBoolean("late")));
                }
            }
            return plan;
        }
    }

    long recordArchived(String key, String etag, String archiveKey) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT tickets.record_archived(p_key => ?, p_etag => ?, p_archive_key => ?)")) {
            st.setString(1, key);
            st.setString(2, etag);
            st.setString(3, archiveKey);
            return single(st).getLong(1);
        }
    }

    boolean tryRunnerLock() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT tickets.try_runner_lock()")) {
            return single(st).getBoolean(1);
        }
    }

    /** Who holds the runner lock, in words, or null when nobody does any more. */
    String runnerLockHolder() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT pid, application_name, backend_start FROM tickets.runner_lock_holder()");
                ResultSet rs = st.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            return "pid " + rs.getInt("pid") + " (" + rs.getString("application_name") + "), connected since "
                    + rs.getObject("backend_start", java.time.OffsetDateTime.class);
        }
    }

    private static ResultSet single(PreparedStatement st) throws SQLException {
        ResultSet rs = st.executeQuery();
        if (!rs.next()) {
            throw new SQLException("the function returned no row");
        }
        return rs;
    }
}
