package ke.fleettickets.geocoding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The geocoding API of the {@code tickets} schema, one Java method per view or function,
 * called with named arguments. Each call is its own transaction: reads commit at once
 * (no snapshot held while LocationIQ is asked), and every answer is committed on its own,
 * so a killed run keeps what it learned.
 */
public final class GeocodingSql implements Recorder {
    private static final String INVALID_TEXT_REPRESENTATION = "22P02";

    private final Connection connection;

    public GeocodingSql(Connection connection) {
        this.connection = connection;
    }

    /**
     * Gives tickets without a place key (stored before geom resolution, or written by
     * hand) their key and place, so that the candidates cover them.
     *
     * @return how many tickets moved
     */
    public long placeUnkeyedTickets() throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT tickets.place_unkeyed_tickets()");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            long moved = rs.getLong(1);
            connection.commit();
            return moved;
        } catch (SQLException e) {
            rollback();
            throw e;
        }
    }

    /** Cluster codes with no usable centre, most tickets first. */
    public List<Candidate> clusterCandidates() throws SQLException {
        return candidates("SELECT cluster_code, query, tickets FROM tickets.geocode_cluster_candidates"
                + " ORDER BY tickets DESC, cluster_code", Candidate.Kind.CLUSTERS);
    }

    /** Location queries to ask, most tickets first, each with the viewbox around its cluster's centre (or none). */
    public List<Candidate> locationCandidates() throws SQLException {
        return candidates("SELECT cluster_code, query, tickets, viewbox FROM tickets.geocode_location_candidates"
                + " ORDER BY tickets DESC, query, cluster_code", Candidate.Kind.LOCATIONS);
    }

    private List<Candidate> candidates(String select, Candidate.Kind kind) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(select); ResultSet rs = st.executeQuery()) {
            List<Candidate> list = new ArrayList<>();
            while (rs.next()) {
                list.add(new Candidate(kind, rs.getString("query"), rs.getString("cluster_code"),
                        kind == Candidate.Kind.LOCATIONS ? rs.getString("viewbox") : null, rs.getLong("tickets")));
            }
            connection.commit();
            return list;
        } catch (SQLException e) {
            rollback();
            throw e;
        }
    }

    /** The offline provider's answer, in LocationIQ's shape ({@code []} for none). */
    public String gazetteerSearch(String query, int limit) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT tickets.gazetteer_search(p_query => ?, p_limit => ?)")) {
            st.setString(1, query);
            st.setInt(2, limit);
            String json;
            try (ResultSet rs = st.executeQuery()) {
                json = rs.next() ? rs.getString(1) : null;
            }
            connection.commit();
            return json == null ? "[]" : json;
        } catch (SQLException e) {
            rollback();
            throw e;
        }
    }

    @Override
    public String record(Candidate candidate, String results, String provider, String error)
            throws SQLException, InvalidJson {
        String call = candidate.kind() == Candidate.Kind.CLUSTERS
                ? "SELECT tickets.record_cluster_geocode(p_cluster_code => ?, p_query => ?,"
                        + " p_results => ?::jsonb, p_provider => ?, p_error => ?)"
                : "SELECT tickets.record_location_geocode(p_query => ?, p_cluster_code => ?,"
                        + " p_results => ?::jsonb, p_provider => ?, p_error => ?)";
        try (PreparedStatement st = connection.prepareStatement(call)) {
            boolean clusters = candidate.kind() == Candidate.Kind.CLUSTERS;
            st.setString(1, clusters ? candidate.clusterCode() : candidate.query());
            st.setString(2, clusters ? candidate.query() : candidate.clusterCode());
            st.setString(3, results);
            st.setString(4, provider);
            st.setString(5, error);
            String outcome;
            try (ResultSet rs = st.executeQuery()) {
                outcome = rs.next() ? rs.getString(1) : null;
            }
            connection.commit();
            return outcome;
        } catch (SQLException e) {
            rollback();
            if (INVALID_TEXT_REPRESENTATION.equals(e.getSQLState()) && results != null) {
                throw new InvalidJson(e.getMessage());
            }
            throw e;
        }
    }

    /** After a failure the failure matters, not whether the rollback could still reach the server. */
    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the caller reports why
        }
    }
}
