package ke.fleettickets;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

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

    private static ResultSet single(PreparedStatement st) throws SQLException {
        ResultSet rs = st.executeQuery();
        if (!rs.next()) {
            throw new SQLException("the function returned no row");
        }
        return rs;
    }
}
