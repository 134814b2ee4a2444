package ke.fleettickets;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import ke.fleettickets.geocoding.Candidate;
import ke.fleettickets.geocoding.Geocoder;

/**
 * What a geocoding run tells its operator, in the ingest's styles ({@link RunReport}):
 * text lines, or one JSON object per line; {@code --quiet} keeps only the summaries.
 * Queries come from the feed, so every text line is printed {@link Escaped}.
 */
final class GeocodeReport implements Geocoder.Listener {
    private final PrintWriter out;
    private final boolean dryRun;
    private final boolean quiet;
    private final RunReport.Format format;
    private final String provider;

    /** @param provider the geocoder in words, secrets masked (GeocoderSettings' toString) */
    GeocodeReport(PrintWriter out, boolean dryRun, boolean quiet, RunReport.Format format, String provider) {
        this.out = out;
        this.dryRun = dryRun;
        this.quiet = quiet;
        this.format = format;
        this.provider = provider;
    }

    @Override
    public void wouldAsk(Candidate c, int n, int of, String request) {
        if (quiet) {
            return;
        }
        if (format == RunReport.Format.JSON) {
            Map<String, Object> event = event("geocode_candidate", c.kind());
            event.put("n", n);
            event.put("of", of);
            event.put("query", c.query());
            event.put("cluster_code", c.clusterCode());
            if (c.kind() == Candidate.Kind.LOCATIONS) {
                event.put("viewbox", c.viewbox());
            }
            event.put("tickets", c.tickets());
            event.put("request", request);
            out.println(Json.object(event));
            return;
        }
        print(head(c.kind()) + "[" + n + "/" + of + "] " + about(c) + " → " + request);
    }

    @Override
    public void previewed(Candidate.Kind kind, int candidates, int maxRequests, String providerName) {
        if (format == RunReport.Format.JSON) {
            Map<String, Object> event = event("geocode_summary", kind);
            event.put("provider", providerName);
            event.put("candidates", candidates);
            event.put("asked", 0);
            event.put("max_requests", maxRequests < 0 ? null : maxRequests);
            out.println(Json.object(event));
            return;
        }
        print(head(kind) + candidates + " to ask from " + provider
                + (maxRequests >= 0 && candidates > maxRequests ? " (at most " + maxRequests + " requests per run)" : "")
                + "; nothing asked: re-run with --apply to ask and record the answers");
    }

    @Override
    public void starting(Candidate.Kind kind, int candidates, int requestsLeft) {
        note(head(kind) + candidates + " to ask from " + provider
                + (requestsLeft >= 0 ? ", " + requestsLeft + " requests left this run (--max-requests)" : ""));
    }

    @Override
    public void progress(Geocoder.Tally t) {
        if (quiet) {
            return;
        }
        if (format == RunReport.Format.JSON) {
            out.println(Json.object(counts("geocode_progress", t)));
            return;
        }
        print(head(t.kind()) + counts(t) + ", " + t.millis() / 1000 + " s");
    }

    @Override
    public void failed(Candidate c, String reason) {
        if (quiet) {
            return;
        }
        if (format == RunReport.Format.JSON) {
            Map<String, Object> event = event("geocode_error", c.kind());
            event.put("query", c.query());
            event.put("cluster_code", c.clusterCode());
            event.put("reason", reason);
            out.println(Json.object(event));
            return;
        }
        print(head(c.kind()) + "no answer for " + about(c) + ": " + reason + "; recorded as an error");
    }

    @Override
    public void finished(Geocoder.Tally t) {
        if (format == RunReport.Format.JSON) {
            Map<String, Object> event = counts("geocode_summary", t);
            event.put("stopped", t.stop() == null ? null : t.stop().name().toLowerCase(java.util.Locale.ROOT));
            event.put("reason", t.stop() == null ? null : reason(t));
            event.put("ms", t.millis());
            out.println(Json.object(event));
            return;
        }
        print(head(t.kind()) + counts(t) + (t.stop() == null ? "" : " (" + reason(t) + ")"));
    }

    /** {@code N asked: a found, b not found, c too far, d errors, e left}; kept where it happens. */
    private static String counts(Geocoder.Tally t) {
        StringBuilder b = new StringBuilder().append(t.asked()).append(" asked: ")
                .append(t.found()).append(" found, ").append(t.notFound()).append(" not found, ");
        if (t.kind() == Candidate.Kind.LOCATIONS || t.tooFar() > 0) {
            b.append(t.tooFar()).append(" too far, ");
        }
        if (t.kind() == Candidate.Kind.CLUSTERS || t.kept() > 0) {
            b.append(t.kept()).append(" kept, ");
        }
        if (t.other() > 0) {
            b.append(t.other()).append(" other, ");
        }
        return b.append(t.errors()).append(t.errors() == 1 ? " error, " : " errors, ")
                .append(t.left()).append(" left").toString();
    }

    private Map<String, Object> counts(String name, Geocoder.Tally t) {
        Map<String, Object> event = event(name, t.kind());
        event.put("provider", t.provider());
        event.put("candidates", t.candidates());
        event.put("asked", t.asked());
        event.put("found", t.found());
        event.put("not_found", t.notFound());
        event.put("too_far", t.tooFar());
        event.put("kept", t.kept());
        event.put("errors", t.errors());
        event.put("other", t.other());
        event.put("left", t.left());
        event.put("requests", t.requests());
        return event;
    }

    private static String reason(Geocoder.Tally t) {
        return switch (t.stop()) {
            case DAILY_LIMIT -> "LocationIQ's daily limit is reached; the next run asks the rest";
            case RATE_LIMITED -> "still rate limited after backing off; the next run asks the rest";
            case MAX_REQUESTS -> "--max-requests " + t.maxRequests() + " reached; the next run asks the rest";
            case FAILING -> Geocoder.FAILING_IN_A_ROW_TEXT + "; last: " + t.lastFailure();
        };
    }

    private static String about(Candidate c) {
        String quoted = "\"" + c.query() + "\"";
        String tickets = c.tickets() + (c.tickets() == 1 ? " ticket" : " tickets");
        return c.kind() == Candidate.Kind.CLUSTERS
                ? c.clusterCode() + " (" + tickets + "): " + quoted
                : quoted + " (" + tickets + (c.clusterCode() == null ? "" : ", cluster " + c.clusterCode())
                        + (c.viewbox() == null ? "" : ", viewbox " + c.viewbox()) + ")";
    }

    private void note(String text) {
        if (quiet) {
            return;
        }
        if (format == RunReport.Format.JSON) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("event", "note");
            event.put("dry_run", dryRun);
            event.put("message", text);
            out.println(Json.object(event));
            return;
        }
        print(text);
    }

    private String head(Candidate.Kind kind) {
        return (dryRun ? "dry run " : "") + "geocode " + kind.word() + ": ";
    }

    private Map<String, Object> event(String name, Candidate.Kind kind) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", name);
        event.put("dry_run", dryRun);
        event.put("kind", kind.word());
        return event;
    }

    private void print(String line) {
        out.println(Escaped.of(line));
    }
}
