package ke.fleettickets.geocoding;

/**
 * One question the SQL wants asked: a cluster code without a usable centre, or a location
 * query. The query is the SQL's, sent as it is.
 *
 * @param viewbox {@code minlon,minlat,maxlon,maxlat} around the cluster's centre, or null
 * @param tickets how many tickets the answer places
 */
public record Candidate(Kind kind, String query, String clusterCode, String viewbox, long tickets) {

    /** What is geocoded: a cluster's centre, or a ticket's location text. */
    public enum Kind {
        CLUSTERS("clusters"), LOCATIONS("locations");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        /** As the flags and the output say it. */
        public String word() {
            return word;
        }
    }
}
