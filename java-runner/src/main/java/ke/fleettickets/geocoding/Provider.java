package ke.fleettickets.geocoding;

import java.sql.SQLException;

/** Where answers come from: LocationIQ over HTTP, or the offline gazetteer in the database. */
public interface Provider {

    /** The name recorded with each answer ({@code p_provider}). */
    String name();

    /** Whether requests cost quota: counted against {@code --max-requests}. */
    boolean metered();

    /** Asks once; retries are the caller's. */
    Reply ask(Candidate candidate) throws SQLException, InterruptedException;

    /** The exact request, as it may be printed (secrets masked), for a dry run. */
    String describe(Candidate candidate);
}
