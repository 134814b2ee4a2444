package ke.fleettickets;

import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code fleettickets status} found, and its exit code: a few lines for people, or one
 * JSON object for machines. A section that could not be read is null in the JSON (every key
 * is always there) and left out of the text.
 */
final class StatusReport {

    /** What can be wrong, in the order a monitor hears of it: the first found sets the exit code. */
    enum Problem {
        UNREACHABLE("unreachable", ExitCode.INFRASTRUCTURE),
        DATABASE_FAILED("database_error", ExitCode.INFRASTRUCTURE),
        NOT_MIGRATED("not_migrated", ExitCode.INFRASTRUCTURE),
        BUCKET_UNREACHABLE("bucket_unreachable", ExitCode.INFRASTRUCTURE),
        LAST_FILE_REJECTED("last_file_rejected", ExitCode.REJECTED_INPUT),
        STALE("stale", ExitCode.STALE);

        final String word;
        final int exit;

        Problem(String word, int exit) {
            this.word = word;
            this.exit = exit;
        }
    }

    /** Flyway's view: the latest version applied, the jar's latest, what the jar has that the database lacks. */
    record Schema(String version, String jarVersion, List<String> pending) {
    }

    /** The change files under changes/, by what the drain would do with them (tickets.plan_bucket_files). */
    record Waiting(String location, Map<String, Integer> byAction, String oldest) {
        int total() {
            return byAction.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    static final ZoneId EAT = ZoneId.of("Africa/Nairobi");
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'EAT'");
    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private final String database;
    private final int maxLagMinutes;
    private final Map<Problem, String> problems = new EnumMap<>(Problem.class);

    private Schema schema;
    private StatusSql.Feed feed;
    private List<StatusSql.Placement> placements;
    private List<StatusSql.LedgerRow> lastFiles;
    private boolean runRead;
    private String runHolder;
    private boolean bucketConfigured;
    private Waiting waiting;

    StatusReport(String database, int maxLagMinutes) {
        this.database = database;
        this.maxLagMinutes = maxLagMinutes;
    }

    /** The first reason given for a problem is kept. */
    void problem(Problem p, String message) {
        problems.putIfAbsent(p, message);
    }

    void schema(Schema s) {
        schema = s;
        if (s.version() == null) {
            problem(Problem.NOT_MIGRATED, "the database at " + database + " is not migrated (no migration applied); "
                    + NotMigrated.REMEDY);
        } else if (!s.pending().isEmpty()) {
            problem(Problem.NOT_MIGRATED, s.pending().size() + (s.pending().size() == 1 ? " migration" : " migrations")
                    + " of this jar not applied (" + String.join(", ", s.pending()) + "); " + NotMigrated.REMEDY);
        }
    }

    boolean migrated() {
        return schema != null && schema.version() != null;
    }

    void feed(StatusSql.Feed f, List<StatusSql.Placement> coverage, List<StatusSql.LedgerRow> files) {
        feed = f;
        placements = coverage;
        lastFiles = files;
        if (f.lastFileFailed()) {
            StatusSql.LedgerRow last = files.isEmpty() ? null : files.get(0);
            problem(Problem.LAST_FILE_REJECTED, "the latest file was " + f.lastOutcome() + ": " + f.lastFileKey()
                    + (last != null && last.error() != null ? ": " + Shortened.text(OneLine.of(last.error()), 200) : ""));
        }
        if (f.stale()) {
            problem(Problem.STALE, f.dataFreshTo() == null ? "no data: nothing has been ingested yet"
                    : "the data is stale: fresh to " + text(f.dataFreshTo()) + ", " + duration(f.contentLagMinutes())
                            + " behind, over --max-lag " + duration(maxLagMinutes));
        }
    }

    void run(String holder) {
        runRead = true;
        runHolder = holder;
    }

    void bucket(boolean configured, Waiting w) {
        bucketConfigured = configured;
        waiting = w;
    }

    int exit() {
        return problems.isEmpty() ? ExitCode.OK : problems.keySet().iterator().next().exit;
    }

    private String word() {
        return problems.isEmpty() ? "ok" : problems.keySet().iterator().next().word;
    }

    void printJson(PrintWriter out) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", word());
        o.put("exit", exit());
        o.put("problems", new ArrayList<>(problems.values()));
        o.put("checked_at", iso(feed != null ? feed.now() : OffsetDateTime.now()));
        o.put("database", database);
        Map<String, Object> s = null;
        if (schema != null) {
            s = new LinkedHashMap<>();
            s.put("version", schema.version());
            s.put("jar_version", schema.jarVersion());
            s.put("pending", schema.pending());
        }
        o.put("schema", s);
        o.put("run_in_progress", runHolder);
        o.put("watermark", feed == null ? null : feed.watermarkKey());
        o.put("last_files", lastFiles == null ? null : lastFiles.stream().map(StatusReport::json).toList());
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("configured", bucketConfigured);
        if (waiting != null) {
            b.put("location", waiting.location());
            b.put("waiting", waiting.total());
            b.putAll(waiting.byAction());
            b.put("oldest", waiting.oldest());
        }
        o.put("bucket", b);
        o.put("rejected_files_24h", feed == null ? null : feed.rejectedFiles24h());
        o.put("truncated_files_24h", feed == null ? null : feed.truncatedFiles24h());
        Map<String, Object> fresh = null;
        if (feed != null) {
            fresh = new LinkedHashMap<>();
            fresh.put("last_ingest_at", iso(feed.lastIngestAt()));
            fresh.put("data_fresh_to", iso(feed.dataFreshTo()));
            fresh.put("content_lag_minutes", feed.contentLagMinutes());
            fresh.put("minutes_since_last_file", feed.minutesSinceLastFile());
            fresh.put("max_lag_minutes", maxLagMinutes);
            fresh.put("stale", feed.stale());
        }
        o.put("freshness", fresh);
        Map<String, Object> geo = null;
        if (placements != null) {
            geo = new LinkedHashMap<>();
            long total = placements.stream().mapToLong(StatusSql.Placement::tickets).sum();
            Map<String, Object> by = new LinkedHashMap<>();
            for (StatusSql.Placement p : placements) {
                by.put(p.placedBy(), p.tickets());
            }
            geo.put("tickets", total);
            geo.put("placed_by", by);
            geo.put("placed_pct", total == 0 ? null : percent(total - unplaced(false), total));
            geo.put("open_tickets", placements.stream().mapToLong(StatusSql.Placement::openTickets).sum());
            geo.put("open_unplaced", unplaced(true));
        }
        o.put("geocoding", geo);
        out.println(Json.object(o));
        out.flush();
    }

    void printText(PrintWriter out) {
        List<String> lines = new ArrayList<>();
        lines.add("status:     " + word() + (problems.isEmpty() ? "" : " (exit " + exit() + ")"));
        for (String p : problems.values()) {
            lines.add("  - " + p);
        }
        lines.add("database:   " + database + (feed == null ? "" : ", checked " + text(feed.now())));
        if (schema != null) {
            lines.add("schema:     " + (schema.version() == null ? "no migration applied"
                    : "version " + schema.version()) + "; this jar's " + schema.jarVersion()
                    + (schema.pending().isEmpty() ? ", nothing pending" : ", pending: " + String.join(", ", schema.pending())));
        }
        if (runRead) {
            lines.add("run:        " + (runHolder == null ? "none in progress" : "in progress: " + runHolder));
        }
        if (feed != null) {
            lines.add("watermark:  " + (feed.watermarkKey() == null ? "none yet" : feed.watermarkKey()));
            lines.add("freshness:  " + (feed.dataFreshTo() == null ? "no data yet"
                    : "data fresh to " + text(feed.dataFreshTo()) + ", " + duration(feed.contentLagMinutes())
                            + " behind (--max-lag " + duration(maxLagMinutes) + ")")
                    + (feed.lastIngestAt() == null ? "" : "; last ingest " + text(feed.lastIngestAt()))
                    + (feed.minutesSinceLastFile() == null ? ""
                            : "; newest file written " + duration(feed.minutesSinceLastFile()) + " ago"));
            lines.add("last 24 h:  " + count(feed.rejectedFiles24h(), "file") + " rejected, "
                    + feed.truncatedFiles24h() + " truncated");
        }
        if (!bucketConfigured) {
            lines.add("bucket:     bucket not configured (RUSTFS_ENDPOINT is not set)");
        } else if (waiting != null) {
            StringBuilder w = new StringBuilder("bucket:     ").append(waiting.location()).append(": ")
                    .append(count(waiting.total(), "file")).append(" waiting");
            List<String> parts = new ArrayList<>();
            waiting.byAction().forEach((action, n) -> {
                if (n > 0) {
                    parts.add(n + " to " + action.replace('_', ' '));
                }
            });
            if (!parts.isEmpty()) {
                w.append(" (").append(String.join(", ", parts)).append("), oldest ").append(waiting.oldest());
            }
            lines.add(w.toString());
        }
        if (placements != null) {
            long total = placements.stream().mapToLong(StatusSql.Placement::tickets).sum();
            long open = placements.stream().mapToLong(StatusSql.Placement::openTickets).sum();
            StringBuilder g = new StringBuilder("geocoding:  ").append(count(total, "ticket"));
            List<String> parts = new ArrayList<>();
            for (StatusSql.Placement p : placements) {
                parts.add(String.format(Locale.ROOT, "%s %s", percentText(p.tickets(), total), p.placedBy()));
            }
            if (!parts.isEmpty()) {
                g.append(": ").append(String.join(", ", parts));
            }
            g.append("; ").append(unplaced(true)).append(" of ").append(count(open, "open ticket")).append(" unplaced");
            lines.add(g.toString());
        }
        if (lastFiles != null) {
            lines.add("last files:" + (lastFiles.isEmpty() ? " none yet" : ""));
            for (StatusSql.LedgerRow r : lastFiles) {
                lines.add("  #" + r.ledgerId() + "  " + text(r.finishedAt()) + "  " + r.outcome() + "  "
                        + r.mode() + "  " + count(r.rows(), "row") + "  " + r.key()
                        + (r.error() == null ? "" : ": " + (r.errorLine() == null ? "" : "line " + r.errorLine() + ": ")
                                + Shortened.text(OneLine.of(r.error()), 200)));
            }
        }
        for (String line : lines) {
            // keys and messages come from outside: control characters show, they do not act
            out.println(Escaped.of(line));
        }
        out.flush();
    }

    private long unplaced(boolean open) {
        return placements.stream().filter(p -> "unplaced".equals(p.placedBy()))
                .mapToLong(p -> open ? p.openTickets() : p.tickets()).sum();
    }

    private static Map<String, Object> json(StatusSql.LedgerRow r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ledger_id", r.ledgerId());
        f.put("key", r.key());
        f.put("mode", r.mode());
        f.put("outcome", r.outcome());
        f.put("rows", r.rows());
        f.put("finished_at", iso(r.finishedAt()));
        f.put("error", r.error());
        f.put("error_line", r.errorLine());
        return f;
    }

    /** ISO 8601 in EAT, to the second, as the read API writes its times. */
    static String iso(OffsetDateTime t) {
        return t == null ? null : t.atZoneSameInstant(EAT).format(ISO_SECONDS);
    }

    private static String text(OffsetDateTime t) {
        return t == null ? "-" : t.atZoneSameInstant(EAT).format(TEXT_TIME);
    }

    /** {@code 45 min}, {@code 5 h 10 min}, {@code 2 d 3 h}: a lag, to the precision a person needs. */
    static String duration(Integer minutes) {
        if (minutes == null) {
            return "-";
        }
        int m = Math.abs(minutes);
        String sign = minutes < 0 ? "-" : "";
        if (m < 60) {
            return sign + m + " min";
        }
        if (m < 24 * 60) {
            return sign + m / 60 + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
        }
        return sign + m / (24 * 60) + " d" + (m % (24 * 60) / 60 == 0 ? "" : " " + m % (24 * 60) / 60 + " h");
    }

    private static double percent(long part, long total) {
        return Math.round(1000.0 * part / total) / 10.0;
    }

    private static String percentText(long part, long total) {
        return String.format(Locale.ROOT, "%.1f%%", total == 0 ? 0.0 : percent(part, total));
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
