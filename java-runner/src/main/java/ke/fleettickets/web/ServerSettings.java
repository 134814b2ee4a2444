package ke.fleettickets.web;

import ke.fleettickets.DatabaseUrl;

/**
 * What {@code fleettickets serve} is told: where to listen, which database to read, and who
 * may read it. The token is a secret: {@link #toString()} never shows it.
 *
 * @param bind the address to listen on ({@code 0.0.0.0}: every interface, as in a container)
 * @param port the port; 0 for any free one
 * @param database the database to read (DASHBOARD_DATABASE_URL, else DATABASE_URL)
 * @param token DASHBOARD_TOKEN, or null when the API is open
 * @param corsOrigin the one other origin whose pages may call the API
 *        ({@code https://host[:port]}), or null for none
 * @param page what the map page is told (tiles, refresh, staleness)
 */
public record ServerSettings(String bind, int port, DatabaseUrl database, String token, String corsOrigin,
        PageSettings page) {

    public ServerSettings(String bind, int port, DatabaseUrl database, String token, String corsOrigin) {
        this(bind, port, database, token, corsOrigin, PageSettings.DEFAULT);
    }

    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    /** Long enough that guessing it through the login form is hopeless. */
    public static final int MIN_TOKEN_LENGTH = 16;

    public boolean tokenRequired() {
        return token != null;
    }

    @Override
    public String toString() {
        return "http://" + bind + ":" + port + " reading " + database + (tokenRequired() ? ", token required" : "")
                + (corsOrigin == null ? "" : ", CORS for " + corsOrigin);
    }
}
