package ke.fleettickets.geocoding;

import java.sql.SQLException;

/** Where answers go: the SQL's record functions, each answer committed on its own. */
public interface Recorder {

    /**
     * Records one answer and commits it.
     *
     * @param results the provider's JSON array untouched ({@code []} for not found), or null with an error
     * @param error a one-line reason the question got no answer, or null
     * @return the outcome the SQL decided: found, not_found, too_far, error or kept
     * @throws InvalidJson when the database found the results are not JSON (nothing was recorded)
     */
    String record(Candidate candidate, String results, String provider, String error)
            throws SQLException, InvalidJson;

    /** The database refused the answer as JSON (SQLSTATE 22P02): a malformed answer. */
    final class InvalidJson extends Exception {
        public InvalidJson(String message) {
            super(message);
        }
    }
}
