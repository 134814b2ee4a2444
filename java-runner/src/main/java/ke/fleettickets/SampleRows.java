package ke.fleettickets;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Makes up tickets and renders them as the exporter writes them: the same facts spelled
 * many ways (mixed-case booleans, padded regions, two timestamp forms, quoted addresses
 * with line breaks, the odd unparseable value), as in the real feed.
 */
final class SampleRows {

    /** The export's columns, in the order the exporter usually writes them. */
    static final List<String> COLUMNS = List.of(
            "ticket_id", "normalized_status", "raw_status", "bucket", "is_actionable", "priority",
            "cluster", "region", "location_name", "assigned_team", "owner", "sla_status", "mttr",
            "created_at_service", "scheduled_at", "closed_at", "first_seen_at", "last_seen_at",
            "source_created_at", "source_updated_at", "latitude", "longitude", "service_type", "is_alarm",
            "is_auto_created", "is_auto_closed", "week_start", "week_end", "source_s3_bucket",
            "source_s3_key", "source_snapshot_id", "department", "source_type");
    /** The column the export gained halfway through the day. */
    static final int PRIORITY = COLUMNS.indexOf("priority");

    static final String SENTINEL = "EXPORT STOPPED - row limit 50000 reached";

    record Cluster(String code, String area, String region, double lat, double lon) {
    }

    private static final List<Cluster> CLUSTERS = List.of(
            new Cluster("KLM", "Kilimani", "Nairobi", -1.2900, 36.7840),
            new Cluster("QOA", "Quarry Road", "Nairobi", -1.2790, 36.8260),
            new Cluster("PTMP", "Pipeline", "Nairobi", -1.3200, 36.8950),
            new Cluster("WST", "Westlands", "Nairobi", -1.2640, 36.8030),
            new Cluster("EMB", "Embakasi", "Nairobi", -1.3100, 36.9100),
            new Cluster("KRN", "Karen", "Nairobi", -1.3190, 36.7070),
            new Cluster("THK", "Thika", "Kiambu", -1.0330, 37.0690),
            new Cluster("RNG", "Rongai", "Kajiado", -1.3960, 36.7600),
            new Cluster("NYL", "Nyali", "Mombasa", -4.0270, 39.7200),
            new Cluster("KSM", "Kisumu Central", "Kisumu", -0.0917, 34.7680));
    private static final List<String> ROADS = List.of(
            "Argwings Kodhek Rd", "Mombasa Rd", "Jogoo Rd", "Ngong Rd", "Waiyaki Way", "Kiambu Rd",
            "Outer Ring Rd", "Lenana Rd", "Oginga Odinga St", "Links Rd");
    private static final List<String> TEAMS = List.of(
            "FTTH Nairobi West", "FTTH Nairobi East", "Lake Field Ops", "Coast Field Ops", "FTTB Core");
    private static final List<String> OWNERS = List.of(
            "j.otieno", "m.wanjiru", "p.kamau", "l.achieng", "a.hassan", "s.mutua");
    private static final List<String> TRUE_SPELLINGS = List.of(
            "true", "TRUE", "True", "t", "T", "1", "yes", "Yes", "YES", "y", "Y");
    private static final List<String> FALSE_SPELLINGS = List.of(
            "false", "FALSE", "False", "f", "F", "0", "no", "No", "NO", "n", "N");
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    /** What does not change over a ticket's life. */
    static final class Ticket {
        final String id;
        final Cluster cluster;
        final String location;
        final String team;
        final String owner;
        final String priority;
        final boolean alarm;
        final boolean actionable;
        final LocalDateTime created;
        final LocalDateTime firstSeen;
        final boolean serviceCreatedKnown;
        /** Feed coordinates: null when the feed has none; 0/0 when it says "unknown". */
        final String latitude;
        final String longitude;

        private Ticket(String id, Cluster cluster, String location, String team, String owner, String priority,
                boolean alarm, boolean actionable, LocalDateTime created, LocalDateTime firstSeen,
                boolean serviceCreatedKnown, String latitude, String longitude) {
            this.id = id;
            this.cluster = cluster;
            this.location = location;
            this.team = team;
            this.owner = owner;
            this.priority = priority;
            this.alarm = alarm;
            this.actionable = actionable;
            this.created = created;
            this.firstSeen = firstSeen;
            this.serviceCreatedKnown = serviceCreatedKnown;
            this.latitude = latitude;
            this.longitude = longitude;
        }
    }

    /**
     * The ticket as one export saw it.
     *
     * @param closed when it was resolved, once it was; mttr likewise
     * @param blankId the exporter lost the ticket_id of this row
     */
    record Snapshot(Ticket ticket, String status, String rawStatus, LocalDateTime updated,
            LocalDateTime closed, Double mttr, boolean blankId) {

        Snapshot withBlankId() {
            return new Snapshot(ticket, status, rawStatus, updated, closed, mttr, true);
        }
    }

    private final Random rng;
    private final LocalDate weekStart;

    SampleRows(Random rng, LocalDate day) {
        this.rng = rng;
        this.weekStart = day.minusDays(day.getDayOfWeek().getValue() - 1L);
    }

    Ticket newTicket(long number, LocalDateTime created) {
        Cluster cluster = pick(CLUSTERS);
        String latitude = null;
        String longitude = null;
        int coords = rng.nextInt(100);
        if (coords < 15) {
            latitude = "0";
            longitude = "0";
        } else if (coords < 35) {
            latitude = String.format(Locale.ROOT, "%.6f", cluster.lat() + (rng.nextDouble() - 0.5) / 25);
            longitude = String.format(Locale.ROOT, "%.6f", cluster.lon() + (rng.nextDouble() - 0.5) / 25);
        } else if (coords < 36) {
            latitude = rng.nextBoolean() ? "n/a" : "91.5";
            longitude = "36.8";
        }
        return new Ticket(
                String.format(Locale.ROOT, "INC%012d", number),
                cluster,
                location(cluster),
                pick(TEAMS),
                rng.nextInt(100) < 25 ? null : pick(OWNERS),
                "P" + (1 + rng.nextInt(4)),
                rng.nextInt(100) < 5,
                rng.nextInt(100) < 80,
                created,
                created.plusMinutes(rng.nextInt(31)),
                rng.nextInt(100) < 65,
                latitude,
                longitude);
    }

    private String location(Cluster c) {
        String road = pick(ROADS);
        switch (rng.nextInt(10)) {
            case 0, 1, 2:
                return c.code() + "-OLT-0" + (1 + rng.nextInt(6)) + " / " + road + ", " + c.area();
            case 3, 4:
                return "(ODB-" + (1000 + rng.nextInt(9000)) + ") " + road + ", " + c.area();
            case 5, 6:
                return "FDH " + (100 + rng.nextInt(900)) + " - " + road + ", " + c.area();
            case 7:
                if (rng.nextBoolean()) {
                    // a quoted name and a line break inside the field: the CSV must be quoted
                    return "\"" + c.area() + " Mall\", " + road + "\nGate " + (char) ('A' + rng.nextInt(4));
                }
                return road + ", " + c.area();
            default:
                return road + ", " + c.area();
        }
    }

    /** Resolution time in minutes as the exporter reports it, often with a .5 to round. */
    double mttr(LocalDateTime created, LocalDateTime closed) {
        long minutes = ChronoUnit.MINUTES.between(created, closed);
        return minutes + (rng.nextInt(100) < 40 ? 0.5 : rng.nextInt(10) / 10.0);
    }

    /** One CSV-encoded cell per entry of {@link #COLUMNS}. */
    String[] cells(Snapshot s) {
        Ticket t = s.ticket();
        boolean resolved = s.closed() != null;
        String[] c = new String[COLUMNS.size()];
        c[0] = s.blankId() ? (rng.nextBoolean() ? "" : "  ")
                : rng.nextInt(100) < 2 ? " " + t.id.toLowerCase(Locale.ROOT) + " " : t.id;
        c[1] = s.status();
        c[2] = spell(s.rawStatus());
        c[3] = bucket(t.created, s.updated());
        c[4] = bool(t.actionable && !resolved);
        c[5] = t.priority;
        c[6] = t.cluster.code();
        c[7] = spell(t.cluster.region());
        c[8] = t.location;
        c[9] = t.team;
        c[10] = t.owner == null ? "" : t.owner;
        c[11] = resolved ? (s.mttr() > 480 ? "SLA Breached" : "Within SLA") : "";
        c[12] = !resolved ? "" : rng.nextInt(100) < 2 ? "n/a" : String.format(Locale.ROOT, "%.1f", s.mttr());
        c[13] = !t.serviceCreatedKnown ? "" : rng.nextInt(100) < 2 ? "n/a" : timestamp(t.created);
        c[14] = rng.nextInt(100) < 3 ? timestamp(s.updated().plusHours(2)) : "";
        c[15] = resolved ? timestamp(s.closed()) : "";
        c[16] = rng.nextInt(200) == 0 ? "unknown" : timestamp(t.firstSeen);
        c[17] = timestamp(s.updated().plusMinutes(rng.nextInt(5) - 2));
        c[18] = timestamp(t.created);
        c[19] = timestamp(s.updated());
        c[20] = t.latitude == null ? "" : t.latitude;
        c[21] = t.longitude == null ? "" : t.longitude;
        c[22] = "FTTH";
        c[23] = bool(t.alarm);
        c[24] = "false";
        c[25] = "false";
        c[26] = weekStart.toString();
        c[27] = weekStart.plusDays(6).toString();
        c[28] = "tickets";
        c[29] = "exports/inc/snapshot.csv";
        c[30] = "snap-" + (100000 + rng.nextInt(900000));
        c[31] = "Network Operations";
        c[32] = "remedy";
        for (int i = 0; i < c.length; i++) {
            c[i] = csv(c[i]);
        }
        if (t.owner == null && rng.nextInt(10) == 0) {
            c[10] = "\"\"";  // a quoted empty field is no value too
        }
        return c;
    }

    /** The exporter's last row when it hit its row limit. */
    String[] sentinel() {
        String[] c = new String[COLUMNS.size()];
        Arrays.fill(c, "");
        c[0] = SENTINEL;
        return c;
    }

    private String csv(String value) {
        if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0 || (!value.isEmpty() && rng.nextInt(100) < 2)) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    private String spell(String word) {
        switch (rng.nextInt(5)) {
            case 0:
                return word.toUpperCase(Locale.ROOT);
            case 1:
                return word.toLowerCase(Locale.ROOT);
            case 2:
                return " " + word.toLowerCase(Locale.ROOT) + " ";
            default:
                return word;
        }
    }

    private String bool(boolean value) {
        return pick(value ? TRUE_SPELLINGS : FALSE_SPELLINGS);
    }

    private static String bucket(LocalDateTime created, LocalDateTime at) {
        long hours = ChronoUnit.HOURS.between(created, at);
        return hours < 4 ? "0-4h" : hours < 24 ? "4-24h" : hours < 72 ? "1-3d" : ">3d";
    }

    private String timestamp(LocalDateTime at) {
        int form = rng.nextInt(20);
        if (form < 15) {
            return at.format(SPACED);
        }
        if (form < 18) {
            return at.format(ISO);
        }
        return at.format(SPACED) + String.format(Locale.ROOT, ".%03d", rng.nextInt(1000));
    }

    <T> T pick(List<T> list) {
        return list.get(rng.nextInt(list.size()));
    }
}
