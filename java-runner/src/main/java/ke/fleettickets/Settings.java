package ke.fleettickets;

import java.util.Map;

/** Everything the runner takes from the environment; no other class reads it. */
final class Settings {
    private final Map<String, String> env;

    Settings(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Read on demand, so that commands without a database (generate) do not need it. */
    DatabaseUrl databaseUrl() {
        return DatabaseUrl.parse(env.get("DATABASE_URL"));
    }
}
