package ke.fleettickets.geocoding;

import java.sql.SQLException;

/**
 * The offline provider: {@code tickets.gazetteer_search} answers from the places shipped
 * with fleettickets, in LocationIQ's shape. No network, no quota, no rate.
 */
public final class Gazetteer implements Provider {
    private final GeocodingSql sql;

    public Gazetteer(GeocodingSql sql) {
        this.sql = sql;
    }

    @Override
    public String name() {
        return "offline";
    }

    @Override
    public boolean metered() {
        return false;
    }

    @Override
    public Reply ask(Candidate candidate) throws SQLException {
        return new Reply.Results(sql.gazetteerSearch(candidate.query(), LocationIq.LIMIT));
    }

    @Override
    public String describe(Candidate candidate) {
        return "SELECT tickets.gazetteer_search(p_query => '" + candidate.query().replace("'", "''")
                + "', p_limit => " + LocationIq.LIMIT + ")";
    }
}
