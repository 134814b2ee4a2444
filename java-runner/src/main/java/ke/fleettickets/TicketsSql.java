package ke.fleettickets;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
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

    /** @return the COPY target for numbered records: {@code staging.inc_… (line, c1, …)} */
    String createStaging(String key, String header) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT tickets.create_staging(p_key => ?, p_header => ?, p_numbered => true)")) {
            st.setString(1, key);
            st.setString(2, header);
            return single(st).getString(1);
        }
    }

    /** The header names of a staged file, in file order (for messages about its columns). */
    List<String> stagedColumns(String key) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT columns FROM tickets.staged_file WHERE file_key = ?")) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? List.of((String[]) rs.getArray(1).getArray()) : List.of();
            }
        }
    }

    /** Streams numbered records ({@link NumberedRecords}) into the staging target. */
    long copyIntoStaging(String target, InputStream records) throws SQLException, IOException {
        return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "COPY " + target + " FROM STDIN WITH (FORMAT csv, ENCODING 'UTF8')", records, COPY_BUFFER_BYTES);
    }

    IngestResult ingestFromStaging(String key, String etag, long sizeBytes, LedgerMode mode) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT * FROM tickets.ingest_from_staging(p_key => ?, p_etag => ?, p_size_bytes => ?, p_mode => ?)")) {
            st.setString(1, key);
            st.setString(2, etag);
            st.setLong(3, sizeBytes);
            st.setString(4, mode.sqlName());
            return IngestResult.from(single(st));
        }
    }

    /** Who holds locks on the fleettickets tables, in words (after a lock timeout, to name what was waited for). */
    String lockHolders() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT tickets.lock_holders_all()")) {
            return single(st).getString(1);
        }
    }

    /** Whether the error that ended a file's load means the file is bad (else: an outage or a bug). */
    boolean rejectsFile(String sqlState) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT tickets.rejects_file(p_sqlstate => ?)")) {
            st.setString(1, sqlState);
            return single(st).getBoolean(1);
        }
    }

    /** @return the ledger row of the rejected file */
    IngestResult recordRejectedFile(String key, String reason, Long line, String etag, long sizeBytes, LedgerMode mode)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT * FROM tickets.record_rejected_file(p_key => ?, p_reason => ?, p_line => ?,"
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
            st.setString(6, mode.sqlName());
            return IngestResult.from(single(st));
        }
    }

    /** @return the ledger row of the changed file */
    IngestResult recordQuarantinedFile(String key, String etag, long sizeBytes, LedgerMode mode) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT * FROM tickets.record_quarantined_file(p_key => ?, p_etag => ?, p_size_bytes => ?, p_mode => ?)")) {
            st.setString(1, key);
            st.setString(2, etag);
            st.setLong(3, sizeBytes);
            st.setString(4, mode.sqlName());
            return IngestResult.from(single(st));
        }
    }

    /** One decision of {@code tickets.plan_bucket_files} about a listed key. */
    record Planned(String key, String etag, long sizeBytes, String action, String reason, String archiveKey,
            String error) {
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
                            rs.getString("action"), rs.getString("reason"), rs.getString("archive_key"),
                            rs.getString("error")));
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

    /** What one {@code tickets.capture_history} call observed: the EAT day it wrote, and what it appended. */
    record History(LocalDate day, int closures, int reopened, int snapshotRows) {
    }

    /** Closures since the last capture and the day's backlog, observed now; the caller commits or rolls back. */
    History captureHistory() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT day, closures, reopened, snapshot_rows FROM tickets.capture_history()")) {
            ResultSet rs = single(st);
            return new History(rs.getObject("day", LocalDate.class), rs.getInt("closures"), rs.getInt("reopened"),
                    rs.getInt("snapshot_rows"));
        }
    }

    boolean tryRunnerLock() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT tickets.try_runner_lock()")) {
            return single(st).getBoolean(1);
        }
    }

    /** Gives back the runner lock this session holds (a session's end would, a moment later). */
    void releaseRunnerLock() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT tickets.release_runner_lock()")) {
            single(st);
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

    static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
