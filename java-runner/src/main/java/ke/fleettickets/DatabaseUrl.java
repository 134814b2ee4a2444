package ke.fleettickets;

import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

import org.postgresql.Driver;

/**
 * The database to use, from {@code DATABASE_URL}: either the libpq-style
 * {@code postgres://user:password@host:port/db?sslmode=require} that hosting panels hand
 * out, or a {@code jdbc:postgresql://} URL. Its {@link #toString()} is safe to print: the
 * password is masked.
 */
public final class DatabaseUrl {
    static final String EXPECTED_FORMS =
            "expected postgres://user:password@host:5432/dbname (or postgresql://...)"
                    + " or jdbc:postgresql://host:5432/dbname?user=...&password=...";

    private static final Pattern PASSWORD_PARAM =
            Pattern.compile("(?i)(^|[?&])password=[^&]*");
    private static final int DEFAULT_PORT = 5432;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String where;
    private final String masked;

    private DatabaseUrl(String jdbcUrl, String user, String password, String where, String masked) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.where = where;
        this.masked = masked;
    }

    /** @throws UsageException when the value is not one of the two accepted forms */
    public static DatabaseUrl parse(String value) {
        return parse("DATABASE_URL", value);
    }

    /**
     * @param variable the environment variable the value comes from, for messages
     * @throws UsageException when the value is not one of the two accepted forms
     */
    public static DatabaseUrl parse(String variable, String value) {
        if (value == null || value.isBlank()) {
            throw new UsageException(variable + " is not set; " + EXPECTED_FORMS);
        }
        String url = value.strip();
        String lower = url.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("jdbc:postgresql:")) {
                return parseJdbc(url);
            }
            for (String scheme : new String[] {"postgres://", "postgresql://"}) {
                if (lower.startsWith(scheme)) {
                    return parseLibpq(url.substring(0, scheme.length()), url.substring(scheme.length()));
                }
            }
            throw malformed("unknown scheme");
        } catch (Malformed e) {
            // never echoes the value: it may hold a password
            throw new UsageException(variable + " is malformed (" + e.getMessage() + "); " + EXPECTED_FORMS);
        }
    }

    /** What is wrong with a URL; {@link #parse} names the variable it came from. */
    private static final class Malformed extends RuntimeException {
        Malformed(String what) {
            super(what, null, false, false);
        }
    }

    private static DatabaseUrl parseJdbc(String url) {
        Properties parsed = Driver.parseURL(url, new Properties());
        if (parsed == null) {
            throw malformed("the PostgreSQL driver cannot read it");
        }
        String where = parsed.getProperty("PGHOST", "localhost") + ":"
                + parsed.getProperty("PGPORT", String.valueOf(DEFAULT_PORT)) + "/"
                + parsed.getProperty("PGDBNAME", "");
        String masked = PASSWORD_PARAM.matcher(url).replaceAll("$1password=***");
        // user and password stay in the URL: the driver reads them from there
        return new DatabaseUrl(url, null, null, where, masked);
    }

    private static DatabaseUrl parseLibpq(String scheme, String rest) {
        // the last '@' ends the user info, so an unencoded '@' in a password still works
        int at = rest.lastIndexOf('@');
        String userInfo = at >= 0 ? rest.substring(0, at) : "";
        String afterAt = rest.substring(at + 1);

        int query = afterAt.indexOf('?');
        String params = query >= 0 ? afterAt.substring(query + 1) : "";
        String hostAndPath = query >= 0 ? afterAt.substring(0, query) : afterAt;
        int slash = hostAndPath.indexOf('/');
        String hostPort = slash >= 0 ? hostAndPath.substring(0, slash) : hostAndPath;
        String rawDb = slash >= 0 ? hostAndPath.substring(slash + 1) : "";

        String host;
        String portText;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw malformed("unclosed '[' in the host");
            }
            host = hostPort.substring(0, close + 1);
            String tail = hostPort.substring(close + 1);
            if (!tail.isEmpty() && !tail.startsWith(":")) {
                throw malformed("unexpected text after the host");
            }
            portText = tail.isEmpty() ? "" : tail.substring(1);
        } else {
            int colon = hostPort.indexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            portText = colon >= 0 ? hostPort.substring(colon + 1) : "";
        }
        if (host.isEmpty()) {
            throw malformed("missing host");
        }
        int port = portText.isEmpty() ? DEFAULT_PORT : port(portText);
        String db = percentDecode(rawDb, "database name");
        if (db.isEmpty()) {
            throw malformed("missing database name");
        }

        int colon = userInfo.indexOf(':');
        String user = percentDecode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, "user name");
        String password = colon >= 0 ? percentDecode(userInfo.substring(colon + 1), "password") : null;
        if (user.isEmpty() && password != null) {
            throw malformed("a password without a user name");
        }

        String jdbcUrl = "jdbc:postgresql://" + host + ":" + port + "/" + rawDb
                + (params.isEmpty() ? "" : "?" + params);
        String where = host + ":" + port + "/" + db;
        String masked = scheme
                + (user.isEmpty() ? "" : userInfo.substring(0, colon >= 0 ? colon : userInfo.length())
                        + (password != null ? ":***" : "") + "@")
                + host + ":" + port + "/" + rawDb
                + (params.isEmpty() ? "" : "?" + PASSWORD_PARAM.matcher(params).replaceAll("$1password=***"));
        return new DatabaseUrl(jdbcUrl, user.isEmpty() ? null : user, password, where, masked);
    }

    private static int port(String text) {
        if (!text.matches("[0-9]{1,5}")) {
            throw malformed("the port is not a number");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw malformed("the port is out of range");
        }
        return port;
    }

    private static String percentDecode(String text, String what) {
        String decoded = PercentEncoded.pathSegment(text);
        if (decoded == null) {
            throw malformed("the " + what + " is not properly percent-encoded UTF-8");
        }
        return decoded;
    }

    private static Malformed malformed(String what) {
        return new Malformed(what);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user name, or null when the JDBC URL carries it (or none is given). */
    public String user() {
        return user;
    }

    /** The password, or null when the JDBC URL carries it (or none is given). */
    public String password() {
        return password;
    }

    /** {@code host:port/db}, for messages. */
    public String where() {
        return where;
    }

    /** Driver properties: the credentials, and a name that shows in pg_stat_activity. */
    public Properties connectionProperties() {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "fleettickets");
        return props;
    }

    /** The URL with its password masked. */
    @Override
    public String toString() {
        return masked;
    }
}
