package ke.fleettickets.web;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import ke.fleettickets.DatabaseUrl;

/**
 * The server's few database sessions. Each one, as it opens, becomes
 * {@code fleettickets_reader} when its login may (so that the server can write nothing),
 * starts every transaction read-only, and bounds its statements. A database that does not
 * answer costs a request at most the connection timeout, never a hung thread.
 */
final class ReaderPool implements AutoCloseable {
    static final String READER_ROLE = "fleettickets_reader";

    /**
     * Run by each session as it opens. The reader role exists only once the database is
     * migrated; CASE keeps pg_has_role from being asked about a role that is not there.
     */
    private static final String SESSION_SETUP = """
            SELECT set_config('statement_timeout', '%s', false),
                   set_config('default_transaction_read_only', 'on', false),
                   CASE WHEN pg_catalog.to_regrole('%s') IS NULL THEN NULL
                        WHEN pg_catalog.pg_has_role('%s', 'MEMBER') THEN set_config('role', '%s', false) END""";

    private final HikariDataSource pool;

    ReaderPool(DatabaseUrl url, DashboardServer.Tuning tuning) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("fleettickets-serve");
        config.setJdbcUrl(url.jdbcUrl());
        Properties props = url.connectionProperties();
        props.setProperty("ApplicationName", "fleettickets serve");
        // a connection attempt or a reply that hangs (a host gone from the network) is bounded too
        props.setProperty("connectTimeout", String.valueOf(Math.max(1, tuning.connectionTimeout().toSeconds())));
        props.setProperty("socketTimeout", String.valueOf(tuning.statementTimeout().plusSeconds(5).toSeconds()));
        config.setDataSourceProperties(props);
        config.setMaximumPoolSize(tuning.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(tuning.connectionTimeout().toMillis());
        config.setValidationTimeout(Math.max(250, tuning.connectionTimeout().toMillis() / 2));
        // start without the database: /healthz says 503 until it answers
        config.setInitializationFailTimeout(-1);
        config.setConnectionInitSql(String.format(SESSION_SETUP, milliseconds(tuning.statementTimeout()),
                READER_ROLE, READER_ROLE, READER_ROLE));
        pool = new HikariDataSource(config);
    }

    DataSource dataSource() {
        return pool;
    }

    /** @throws SQLException when the database cannot be reached (within the connection timeout) */
    DashboardServer.Identity identity() throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT current_user::text, session_user::text");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return new DashboardServer.Identity(rs.getString(1), rs.getString(2));
        }
    }

    private static String milliseconds(Duration d) {
        return d.toMillis() + "ms";
    }

    /** Ends every session; one still running a statement is aborted. */
    @Override
    public void close() {
        pool.close();
    }
}
