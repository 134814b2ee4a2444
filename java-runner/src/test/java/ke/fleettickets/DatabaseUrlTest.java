package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {

    @Test
    void libpqFormBecomesJdbcUrlUserAndPassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://ingest:s3cret@db.internal:6432/tracksolid_db");
        assertEquals("jdbc:postgresql://db.internal:6432/tracksolid_db", url.jdbcUrl());
        assertEquals("ingest", url.user());
        assertEquals("s3cret", url.password());
        assertEquals("db.internal:6432/tracksolid_db", url.where());
    }

    @Test
    void postgresqlSchemeDefaultPortAndQueryParametersArePassedThrough() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://ingest:pw@db.internal/tickets?sslmode=require&connectTimeout=5");
        assertEquals("jdbc:postgresql://db.internal:5432/tickets?sslmode=require&connectTimeout=5", url.jdbcUrl());
    }

    @Test
    void userAndPasswordArePercentDecoded() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://us%65r%2Bx:p%40ss%3Aw%2Frd%C3%A9@localhost:5432/db");
        assertEquals("user+x", url.user());
        assertEquals("p@ss:w/rdé", url.password());
    }

    @Test
    void anUnencodedAtSignInThePasswordStillWorks() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://ingest:p@ss@localhost/db");
        assertEquals("p@ss", url.password());
        assertEquals("localhost:5432/db", url.where());
    }

    @Test
    void userWithoutPasswordAndNoUserAtAll() {
        DatabaseUrl withUser = DatabaseUrl.parse("postgres://postgres@127.0.0.1:24144/fleettickets");
        assertEquals("postgres", withUser.user());
        assertNull(withUser.password());
        assertFalse(withUser.connectionProperties().containsKey("password"));

        DatabaseUrl anonymous = DatabaseUrl.parse("postgres://127.0.0.1/fleettickets");
        assertNull(anonymous.user());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/fleettickets", anonymous.jdbcUrl());
    }

    @Test
    void ipv6HostKeepsItsBrackets() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://u:p@[::1]:5433/db");
        assertEquals("jdbc:postgresql://[::1]:5433/db", url.jdbcUrl());
    }

    @Test
    void jdbcFormIsUsedAsItIs() {
        String jdbc = "jdbc:postgresql://db.internal:5433/tickets?user=ingest&password=s3cret&sslmode=require";
        DatabaseUrl url = DatabaseUrl.parse(jdbc);
        assertEquals(jdbc, url.jdbcUrl());
        assertNull(url.user());
        assertNull(url.password());
        assertEquals("db.internal:5433/tickets", url.where());
    }

    @Test
    void toStringMasksThePasswordInBothForms() {
        assertEquals("postgres://ingest:***@db.internal:5432/tickets",
                DatabaseUrl.parse("postgres://ingest:s3cret@db.internal/tickets").toString());
        assertEquals("postgres://postgres@127.0.0.1:5432/db",
                DatabaseUrl.parse("postgres://postgres@127.0.0.1/db").toString());

        String jdbc = DatabaseUrl.parse("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true").toString();
        assertEquals("jdbc:postgresql://h/db?user=u&password=***&ssl=true", jdbc);

        String query = DatabaseUrl.parse("postgres://u@h/db?password=s3cret").toString();
        assertFalse(query.contains("s3cret"), query);
    }

    @Test
    void aMissingValueSaysItIsNotSet() {
        UsageException e = assertThrows(UsageException.class, () -> DatabaseUrl.parse(null));
        assertTrue(e.getMessage().startsWith("DATABASE_URL is not set"), e.getMessage());
        assertThrows(UsageException.class, () -> DatabaseUrl.parse("  "));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "mysql://u:s3cret@h/db",
        "s3cret",
        "postgres://u:s3cret@/db",
        "postgres://u:s3cret@h",
        "postgres://u:s3cret@h/",
        "postgres://u:s3cret@h:port/db",
        "postgres://u:s3cret@h:70000/db",
        "postgres://u:s3cr%zzet@h/db",
        "postgres://u:s3cret%@h/db",
        "postgres://u:s3cr%FFet@h/db",
        "postgres://:s3cret@h/db",
        "postgres://u:s3cret@[::1/db",
        "jdbc:postgresql://h:notaport/db?password=s3cret"
    })
    void malformedValuesAreUsageErrorsThatShowTheFormsButNeverTheSecret(String value) {
        UsageException e = assertThrows(UsageException.class, () -> DatabaseUrl.parse(value));
        assertTrue(e.getMessage().startsWith("DATABASE_URL is malformed ("), e.getMessage());
        assertTrue(e.getMessage().contains("postgres://user:password@host:5432/dbname"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }
}
