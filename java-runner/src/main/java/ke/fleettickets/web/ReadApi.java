package ke.fleettickets.web;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.function.Supplier;

import javax.sql.DataSource;

/**
 * One Java method per SQL function of the read API. Each returns the function's jsonb as
 * the database prints it: those bytes are the HTTP body, never parsed or rebuilt here.
 *
 * <p>p_now is the database's clock cut to the minute, so that the same data gives the same
 * bytes (and ETag) for a minute; tests pin it instead.
 */
final class ReadApi {
    private static final String NOW = "coalesce(?::timestamptz, date_trunc('minute', now()))";

    private final DataSource pool;
    private final Supplier<OffsetDateTime> pinnedNow;

    /** @param pinnedNow the p_now to pass, or a supplier of null for the database's clock */
    ReadApi(DataSource pool, Supplier<OffsetDateTime> pinnedNow) {
        this.pool = pool;
        this.pinnedNow = pinnedNow;
    }

    /** {@code reporting.fn_inc_dashboard}, the overload with p_from and p_to as text. */
    String dashboard(String cluster, String status, String window, String from, String to) throws SQLException {
        return call("SELECT reporting.fn_inc_dashboard(p_cluster => ?, p_status => ?, p_window => ?,"
                + " p_from => ?::text, p_to => ?::text, p_now => " + NOW + ")::text",
                cluster, status, window, from, to);
    }

    /** {@code reporting.fn_tickets_for_map}. */
    String map() throws SQLException {
        return call("SELECT reporting.fn_tickets_for_map(p_now => " + NOW + ")::text");
    }

    /**
     * {@code reporting.fn_nearest_open_tickets}; a limit or radius not given is left out of
     * the call, so the function's own defaults apply.
     */
    String nearest(double lon, double lat, Integer limit, Double maxKm) throws SQLException {
        String sql = "SELECT reporting.fn_nearest_open_tickets(p_lon => ?, p_lat => ?"
                + (limit != null ? ", p_limit => ?" : "")
                + (maxKm != null ? ", p_max_km => ?" : "")
                + ", p_now => " + NOW + ")::text";
        try (Connection c = pool.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            int i = 1;
            st.setDouble(i++, lon);
            st.setDouble(i++, lat);
            if (limit != null) {
                st.setInt(i++, limit);
            }
            if (maxKm != null) {
                st.setDouble(i++, maxKm);
            }
            return one(st, i);
        }
    }

    /** {@code reporting.fn_unplaced_tickets}: the open tickets the map cannot draw. */
    String unplaced(String cluster, String status) throws SQLException {
        return call("SELECT reporting.fn_unplaced_tickets(p_cluster => ?, p_status => ?, p_now => " + NOW + ")::text",
                cluster, status);
    }

    /** {@code reporting.fn_clusters}: the codes a cluster filter offers (no clock in it). */
    String clusters() throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT reporting.fn_clusters()::text");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** {@code reporting.fn_health}: the schema version and the freshness of the feed. */
    String health() throws SQLException {
        return call("SELECT reporting.fn_health(p_now => " + NOW + ")::text");
    }

    private String call(String sql, String... texts) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            int i = 1;
            for (String text : texts) {
                if (text == null) {
                    st.setNull(i++, Types.VARCHAR);
                } else {
                    st.setString(i++, text);
                }
            }
            return one(st, i);
        }
    }

    /** Binds p_now (the last parameter) and reads the one value. */
    private String one(PreparedStatement st, int nowIndex) throws SQLException {
        OffsetDateTime now = pinnedNow.get();
        if (now == null) {
            st.setNull(nowIndex, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            st.setObject(nowIndex, now);
        }
        try (ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
