package ke.fleettickets;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import ke.fleettickets.web.DashboardServer;

/**
 * What {@code serve} prints, in {@link RunReport}'s two styles: notes and one access-log
 * line per request on stdout, failures on stderr (one line each, prefixed like every
 * other failure). With {@code --log-format json}, one JSON object per line: {@code note},
 * {@code request}, {@code error}.
 */
final class ServeReport implements DashboardServer.Listener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final RunReport.Format format;

    ServeReport(PrintWriter out, PrintWriter err, RunReport.Format format) {
        this.out = out;
        this.err = err;
        this.format = format;
    }

    void note(String text) {
        if (format == RunReport.Format.JSON) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("event", "note");
            event.put("message", text);
            out.println(Json.object(event));
        } else {
            out.println("serve: " + Escaped.of(text));
        }
        out.flush();
    }

    @Override
    public void request(String method, String path, int status, long bytes, long millis) {
        if (format == RunReport.Format.JSON) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("event", "request");
            event.put("method", method);
            event.put("path", path);
            event.put("status", status);
            event.put("bytes", bytes);
            event.put("ms", millis);
            out.println(Json.object(event));
        } else {
            out.println(Escaped.of(method + " " + path) + " " + status + ", " + bytes + (bytes == 1 ? " byte, " : " bytes, ")
                    + millis + " ms");
        }
        out.flush();
    }

    @Override
    public void failed(String method, String path, String reason) {
        if (format == RunReport.Format.JSON) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("event", "error");
            event.put("method", method);
            event.put("path", path);
            event.put("message", OneLine.of(reason));
            err.println(Json.object(event));
        } else {
            err.println("fleettickets: serve: " + Escaped.of(method + " " + path) + ": " + OneLine.of(reason));
        }
        err.flush();
    }
}
