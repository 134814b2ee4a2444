package ke.fleettickets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import ke.fleettickets.testing.CliRun;
import ke.fleettickets.testing.TestDatabase;

/**
 * A database deployed at any earlier schema version, holding data, upgrades to the latest
 * one and ends up as a fresh install would be: the same schema, the same stored values for
 * the same rows, and it still ingests. One test per versioned migration in sql/migrations,
 * so a migration added later is covered without touching this class.
 */
class MigrationUpgradeTest {
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.+\\.sql");

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> upgradesFromEveryVersion() throws IOException {
        List<MigrationVersion> versions = versions();
        assertFalse(versions.isEmpty(), "no versioned migration in " + migrationsDir());
        MigrationVersion latest = versions.get(versions.size() - 1);
        return versions.stream().map(v -> DynamicTest.dynamicTest("from V" + v, () -> upgradeFrom(v, latest)));
    }

    private static Path migrationsDir() {
        return TestDatabase.sqlDir().resolve("migrations");
    }

    /** Read from the directory, not the classpath: what a developer adds is what is tested. */
    private static List<MigrationVersion> versions() throws IOException {
        try (Stream<Path> files = Files.list(migrationsDir())) {
            return files.map(f -> VERSIONED.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> MigrationVersion.fromVersion(m.group(1).replace('_', '.')))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        }
    }

    private void upgradeFrom(MigrationVersion version, MigrationVersion latest) throws Exception {
        TestDatabase.Database old = TestDatabase.get().emptyDatabase();
        // Versioned migrations only: the repeatable functions are written for the latest
        // schema and need not load on an old one; a real old deployment had its own.
        Migrations.configure().dataSource(old.jdbcUrl(), old.user(), old.password())
                .locations("classpath:db/migrations").target(version).load().migrate();
        assertEquals(version, schemaVersion(old), "the old database is at V" + version);
        insertData(old);

        MigrateResult result = Migrations.migrate(old.jdbcUrl(), old.user(), old.password());

        assertTrue(result.success, "the upgrade from V" + version + " migrates");
        assertEquals(latest, schemaVersion(old), "the upgrade reaches the latest version");

        TestDatabase.Database fresh = TestDatabase.get().freshDatabase();
        assertSameSet("the upgraded schema differs from a fresh install's", schema(fresh), schema(old));
        for (String table : tablesWithGeneratedColumns(old)) {
            copyStoredColumns(old, fresh, table);
            assertSameSet(table + ": the upgraded rows differ from the same rows written to a fresh install",
                    rows(fresh, table), rows(old, table));
        }

        if (version.compareTo(MigrationVersion.fromVersion("9")) < 0) {  // V009 distrusts dates more than a day ahead, and takes freshness back
            assertEquals("true", old.one("SELECT coalesce((metadata ->> 'source_max_updated_at')::timestamptz"
                    + " < now() + interval '1 day', true)::text FROM tickets.import_meta WHERE source = 'inc'"),
                    "freshness is taken back from a date in the future");
        }
        ingestsAFile(old);
    }

    private static MigrationVersion schemaVersion(TestDatabase.Database db) throws SQLException {
        return MigrationVersion.fromVersion(db.one("SELECT version FROM flyway_schema_history"
                + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1"));
    }

    // --- data an old schema accepts --------------------------------------------------------

    /**
     * Rows as an ingest of that version could have left them: raw as the cleaned row (text
     * values, any case, extra keys), the feed point in geom. Only columns that exist since
     * the table was created are written, so every version accepts them.
     * A seven-digit fraction is among them: the V002 eat_ts rounded it 1 µs away from the
     * V007 one, and V010 recomputes such rows. A year-9999 source_updated_at made the old
     * freshness figure 9999, which V009 takes back.
     */
    private static void insertData(TestDatabase.Database db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            if (exists(s, "tickets.inc")) {
                s.execute("""
                    INSERT INTO tickets.inc (ticket_id, raw, geom, geo_source)
                    SELECT r ->> 'ticket_id', r, tickets.feed_point(r),
                           CASE WHEN tickets.feed_point(r) IS NOT NULL THEN 'feed' END
                      FROM jsonb_array_elements($$[
                      {"ticket_id": "INC000004512345", "normalized_status": "Open", "raw_status": "ASSIGNED",
                       "bucket": "Open", "is_actionable": "Yes", "cluster": "Nairobi West", "region": "nairobi",
                       "location_name": "Ngong Rd – Prestige Plaza", "assigned_team": "FTTH Field Ops",
                       "owner": "j.kamau", "sla_status": "Within SLA", "service_type": "FTTH",
                       "created_at_service": "2026-06-25 08:14:03", "first_seen_at": "2026-06-25T08:20:00",
                       "source_updated_at": "2026-06-25 09:00:00.5", "latitude": "-1.2921", "longitude": "36.8219",
                       "vendor_ref": "HW-7781"},
                      {"ticket_id": "INC000004512346", "normalized_status": "IN_PROGRESS", "raw_status": "WORK IN PROGRESS",
                       "is_actionable": "TRUE", "region": "coast", "mttr": "596.5",
                       "created_at_service": "2026-06-24T22:05:17.250", "scheduled_at": "2026-06-25T06:00:00",
                       "source_updated_at": "2026-06-25T09:01:02.123456", "latitude": "0", "longitude": "0"},
                      {"ticket_id": "INC000004512347", "normalized_status": "Resolved", "raw_status": "RESOLVED",
                       "is_actionable": "f", "region": "coast", "mttr": "12.25", "sla_status": "SLA Breached",
                       "created_at_service": "2026-06-25 07:00:00", "closed_at": "2026-06-25 10:30:00.000001",
                       "source_updated_at": "2026-06-25 10:30:05", "latitude": "-4.0435", "longitude": "39.6682"},
                      {"ticket_id": "INC000004512348", "normalized_status": "closed", "raw_status": "CLOSED",
                       "is_actionable": "maybe", "mttr": "n/a", "created_at_service": "25/06/2026 10:00",
                       "closed_at": "2026-02-30 10:00:00", "scheduled_at": "2026-06-25 24:00:00",
                       "source_updated_at": "N/A", "latitude": "91", "longitude": "200"},
                      {"ticket_id": "INC000004512349", "normalized_status": "Cancelled"},
                      {"ticket_id": "INC000004512350", "normalized_status": "pending", "raw_status": "PENDING VENDOR",
                       "region": "western", "mttr": "0", "last_seen_at": "2028-02-29 00:00:00",
                       "source_created_at": "2026-06-25T07:00:00.1", "source_updated_at": "2026-06-25 11:15:42.98765",
                       "latitude": "0.0917", "longitude": "34.7680", "is_alarm": "no", "extra_note": "line one\\nline two"},
                      {"ticket_id": "INC000004512351", "normalized_status": "open", "created_at_service": "2026-06-25 10:15:15.0002535",
                       "source_updated_at": "9999-12-31 23:59:59"}
                    ]$$::jsonb) AS r""");
            }
            if (exists(s, "tickets.file_ledger")) {
                s.execute("""
                    INSERT INTO tickets.file_ledger (file_key, etag, size_bytes, mode, outcome, rows_read, inserted,
                                                     updated, rejected_rows, extra_columns, watermark_before,
                                                     watermark_after, started_at, finished_at, load_ms, ingest_ms,
                                                     error, error_line)
                    VALUES ('automations/inc/changes/20260625T080000.csv', '"9b2cf535f27731c974343645a3985328"', 48213,
                            'apply', 'applied', 210, 6, 0, 1, '{vendor_ref}', NULL,
                            'automations/inc/changes/20260625T080000.csv', '2026-06-25 05:01:02+00',
                            '2026-06-25 05:01:03+00', 85, 140, NULL, NULL),
                           ('automations/inc/changes/20260625T082000.csv', '"0c1d2e3f"', 512,
                            'apply', 'rejected', 0, 0, 0, 0, '{}', 'automations/inc/changes/20260625T080000.csv',
                            'automations/inc/changes/20260625T082000.csv', '2026-06-25 05:21:00+00',
                            '2026-06-25 05:21:00+00', NULL, NULL, 'unterminated CSV quoted field', 3)""");
                s.execute("""
                    UPDATE tickets.import_meta
                       SET metadata = jsonb_build_object('source_max_key', 'automations/inc/changes/20260625T082000.csv',
                                                         'last_file_key', 'automations/inc/changes/20260625T082000.csv',
                                                         'source_max_updated_at', '9999-12-31T23:59:59+03:00')
                     WHERE source = 'inc'""");
            }
        }
    }

    private static boolean exists(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    // --- the same as a fresh install --------------------------------------------------------

    /** Columns, constraints, indexes, functions, enums, owners and privileges of tickets and reporting, one line each. */
    private static Set<String> schema(TestDatabase.Database db) throws SQLException {
        return new TreeSet<>(db.column("""
            SELECT concat_ws(' ', 'column', c.oid::regclass || '.' || a.attname, format_type(a.atttypid, a.atttypmod),
                             CASE WHEN a.attnotnull THEN 'not null' END,
                             'generated:' || nullif(a.attgenerated::text, ''), 'identity:' || nullif(a.attidentity::text, ''),
                             '= ' || pg_get_expr(d.adbin, d.adrelid), 'collate ' || nullif(co.collname, 'default'))
              FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
              JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
              LEFT JOIN pg_collation AS co ON co.oid = a.attcollation
             WHERE n.nspname IN ('tickets', 'reporting') AND c.relkind IN ('r', 'p', 'v', 'm')
            UNION ALL
            SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
              FROM pg_constraint WHERE connamespace IN ('tickets'::regnamespace, 'reporting'::regnamespace)
            UNION ALL
            SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index
             WHERE indrelid IN (SELECT oid FROM pg_class
                                 WHERE relnamespace IN ('tickets'::regnamespace, 'reporting'::regnamespace))
            UNION ALL
            SELECT concat_ws(' ', 'function', p.oid::regprocedure, 'volatility:' || p.provolatile::text,
                             CASE WHEN p.prosecdef THEN 'security definer' END, array_to_string(p.proconfig, ','),
                             md5(pg_get_functiondef(p.oid)))
              FROM pg_proc AS p WHERE p.pronamespace IN ('tickets'::regnamespace, 'reporting'::regnamespace)
            UNION ALL
            SELECT 'enum ' || enumtypid::regtype || ' ' || string_agg(enumlabel, ',' ORDER BY enumsortorder)
              FROM pg_enum WHERE enumtypid IN (SELECT oid FROM pg_type
                                                WHERE typnamespace IN ('tickets'::regnamespace, 'reporting'::regnamespace))
             GROUP BY enumtypid
            UNION ALL
            SELECT concat_ws(' ', 'schema', n.nspname, 'owner', pg_get_userbyid(n.nspowner),
                             (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(n.nspacl) AS a))
              FROM pg_namespace AS n WHERE n.nspname IN ('tickets', 'reporting', 'staging')
            UNION ALL
            SELECT concat_ws(' ', 'privileges', c.oid::regclass, 'owner', pg_get_userbyid(c.relowner),
                             (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(c.relacl) AS a))
              FROM pg_class AS c
             WHERE c.relnamespace IN ('tickets'::regnamespace, 'reporting'::regnamespace)
               AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'c')
            UNION ALL
            SELECT concat_ws(' ', 'privileges', p.oid::regprocedure, 'owner', pg_get_userbyid(p.proowner),
                             (SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(p.proacl) AS a))
              FROM pg_proc AS p WHERE p.pronamespace IN ('tickets'::regnamespace, 'reporting'::regnamespace)
            UNION ALL
            SELECT concat_ws(' ', 'privileges', t.oid::regtype, 'owner', pg_get_userbyid(t.typowner))
              FROM pg_type AS t
             WHERE t.typnamespace IN ('tickets'::regnamespace, 'reporting'::regnamespace) AND t.typtype = 'e'"""));
    }

    private static List<String> tablesWithGeneratedColumns(TestDatabase.Database db) throws SQLException {
        return db.column("""
            SELECT DISTINCT c.oid::regclass::text FROM pg_class AS c
              JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attgenerated = 's' AND NOT a.attisdropped
             WHERE c.relnamespace IN ('tickets'::regnamespace, 'reporting'::regnamespace) AND c.relkind IN ('r', 'p')
             ORDER BY 1""");
    }

    private record Column(String name, String type, boolean generated) {
    }

    private static List<Column> columns(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT quote_ident(attname), format_type(atttypid, atttypmod), attgenerated <> ''
                  FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped
                 ORDER BY attnum""")) {
            ps.setString(1, table);
            List<Column> columns = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
            return columns;
        }
    }

    /**
     * Writes the upgraded rows' stored columns into the fresh database, which computes the
     * generated ones itself. Values travel as text, which every type can be cast from.
     */
    private static void copyStoredColumns(TestDatabase.Database from, TestDatabase.Database to, String table)
            throws SQLException {
        String json;
        List<Column> stored;
        try (Connection c = from.connect()) {
            stored = columns(c, table).stream().filter(col -> !col.generated()).toList();
            StringBuilder pairs = new StringBuilder();
            for (Column col : stored) {
                pairs.append(pairs.isEmpty() ? "" : ", ").append("'").append(col.name().replace("'", "''"))
                        .append("', ").append(col.name()).append("::text");
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT coalesce(jsonb_agg(jsonb_build_object(" + pairs + ")), '[]')::text FROM "
                         + table)) {
                rs.next();
                json = rs.getString(1);
            }
        }
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (Column col : stored) {
            names.append(names.isEmpty() ? "" : ", ").append(col.name());
            values.append(values.isEmpty() ? "" : ", ").append("(r ->> '").append(col.name().replace("'", "''"))
                    .append("')::").append(col.type());
        }
        try (Connection c = to.connect();
             Statement clear = c.createStatement();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + names + ") OVERRIDING SYSTEM VALUE"
                     + " SELECT " + values + " FROM jsonb_array_elements(?::jsonb) AS r")) {
            clear.execute("DELETE FROM " + table);  // what migrations seed (the gazetteer) is compared too
            ps.setString(1, json);
            ps.executeUpdate();
        }
    }

    /** Every row, every column, as text in UTC: stored and generated values alike. */
    private static Set<String> rows(TestDatabase.Database db, String table) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            StringBuilder pairs = new StringBuilder();
            for (Column col : columns(c, table)) {
                pairs.append(pairs.isEmpty() ? "" : ", ").append("'").append(col.name().replace("'", "''"))
                        .append("', ").append(col.name()).append("::text");
            }
            Set<String> rows = new TreeSet<>();
            try (ResultSet rs = s.executeQuery("SELECT jsonb_build_object(" + pairs + ")::text FROM " + table)) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        }
    }

    /** Names only the lines that differ. */
    private static void assertSameSet(String message, Set<String> fresh, Set<String> upgraded) {
        Set<String> onlyUpgraded = new TreeSet<>(upgraded);
        onlyUpgraded.removeAll(fresh);
        Set<String> onlyFresh = new TreeSet<>(fresh);
        onlyFresh.removeAll(upgraded);
        assertTrue(onlyUpgraded.isEmpty() && onlyFresh.isEmpty(), message
                + "\n  only upgraded: " + String.join("\n                 ", onlyUpgraded)
                + "\n  only fresh:    " + String.join("\n                 ", onlyFresh));
    }

    // --- and it still ingests ---------------------------------------------------------------

    private void ingestsAFile(TestDatabase.Database db) throws Exception {
        long before = Long.parseLong(db.one("SELECT count(*) FROM tickets.inc"));
        // from a version before tickets.inc, the first ticket is new too
        boolean known = db.one("SELECT count(*) FROM tickets.inc WHERE ticket_id = 'INC000004512345'").equals("1");
        Path file = dir.resolve("20260625T100000.csv");
        Files.writeString(file, """
                ticket_id,normalized_status,raw_status,region,mttr,source_updated_at,closed_at,latitude,longitude
                INC000004512345,Closed,CLOSED,Nairobi,41.5,2026-06-25T12:00:00,2026-06-25 11:59:00,-1.2921,36.8219
                INC000004599999,open,NEW, Rift Valley ,,2026-06-25 12:01:00,,0,0
                """, StandardCharsets.UTF_8);

        CliRun r = CliRun.of(Map.of("DATABASE_URL", db.url()), "--inc-csv", file.toString(), "--apply");

        assertEquals(ExitCode.OK, r.exit(), r.out() + r.err());
        assertEquals(known ? "applied|1|1" : "applied|2|0", db.one("SELECT outcome || '|' || inserted || '|' || updated"
                + " FROM tickets.file_ledger WHERE file_key = '20260625T100000.csv'"));
        assertEquals(before + (known ? 1 : 2), Long.parseLong(db.one("SELECT count(*) FROM tickets.inc")));
        assertEquals("closed|41.5|2026-06-25 09:00:00", db.one("SELECT normalized_status || '|' || (raw ->> 'mttr') || '|' "
                + "|| (source_updated_at AT TIME ZONE 'UTC')::text FROM tickets.inc WHERE ticket_id = 'INC000004512345'"),
                "the ticket the old database held was updated");
        // the run captured history: every closed ticket once; the tickets stored before V013 name no file
        assertEquals(db.column("SELECT ticket_id || '|' || CASE WHEN ticket_id = 'INC000004512345'"
                        + " THEN '20260625T100000.csv' ELSE '-' END FROM tickets.inc"
                        + " WHERE normalized_status IN ('resolved', 'closed') ORDER BY 1"),
                db.column("SELECT ticket_id || '|' || coalesce(file_key, '-') FROM tickets.closure_events ORDER BY 1"),
                "the ingest's capture observed the closed tickets of the upgraded database");
        assertEquals("1", db.one("SELECT count(*) FROM tickets.history_day"));
    }
}
