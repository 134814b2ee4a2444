// The naive peer of make bench (scripts/bench, part "peers"): reads the CSV file and upserts
// its rows into peer.inc one INSERT ... ON CONFLICT statement per row over JDBC, as many
// small pipelines do; "batched" sends them in JDBC batches of 1000, "unbatched" one round
// trip per row. One transaction either way. The same casts and rules as the hand-written
// peer (peer-schema.sql). Run from the repository with the product's jar for the driver:
//   java -cp java-runner/target/fleettickets.jar scripts/bench-peers/NaivePeer.java \
//     batched|unbatched FILE [MAX_ROWS]
// (the bench compiles it once first, so that no timed run pays for javac).
// DATABASE_URL is postgres://user@host:port/db. Prints the number of rows sent.
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class NaivePeer {
  static final String[] TEXT = {"normalized_status", "raw_status", "bucket", "is_actionable", "cluster",
      "region", "location_name", "assigned_team", "owner", "sla_status", "mttr", "created_at_service",
      "scheduled_at", "closed_at", "first_seen_at", "last_seen_at", "source_created_at",
      "source_updated_at", "latitude", "longitude", "service_type"};

  static final String SQL = """
      INSERT INTO peer.inc AS t (ticket_id, normalized_status, raw_status, bucket, is_actionable, cluster,
                                 region, location_name, assigned_team, owner, sla_status, mttr,
                                 created_at_service, scheduled_at, closed_at, first_seen_at, last_seen_at,
                                 source_created_at, source_updated_at, latitude, longitude, service_type)
      VALUES (?, lower(peer.txt(?)), upper(peer.txt(?)), peer.txt(?), peer.bool(?), upper(peer.txt(?)),
              lower(peer.txt(?)), peer.txt(?), peer.txt(?), peer.txt(?), peer.txt(?),
              round(peer.num(?))::integer, peer.ts(?), peer.ts(?), peer.ts(?), peer.ts(?), peer.ts(?),
              peer.ts(?), peer.ts(?), peer.num(?), peer.num(?), peer.txt(?))
      ON CONFLICT (ticket_id) DO UPDATE
         SET (normalized_status, raw_status, bucket, is_actionable, cluster, region, location_name,
              assigned_team, owner, sla_status, mttr, created_at_service, scheduled_at, closed_at,
              first_seen_at, last_seen_at, source_created_at, source_updated_at, latitude, longitude,
              service_type, ingested_at)
           = (EXCLUDED.normalized_status, EXCLUDED.raw_status, EXCLUDED.bucket, EXCLUDED.is_actionable,
              EXCLUDED.cluster, EXCLUDED.region, EXCLUDED.location_name, EXCLUDED.assigned_team,
              EXCLUDED.owner, EXCLUDED.sla_status, EXCLUDED.mttr, EXCLUDED.created_at_service,
              EXCLUDED.scheduled_at, EXCLUDED.closed_at, EXCLUDED.first_seen_at, EXCLUDED.last_seen_at,
              EXCLUDED.source_created_at, EXCLUDED.source_updated_at, EXCLUDED.latitude,
              EXCLUDED.longitude, EXCLUDED.service_type, now())
       WHERE t.source_updated_at IS NULL OR EXCLUDED.source_updated_at >= t.source_updated_at
      """;

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: NaivePeer batched|unbatched FILE [MAX_ROWS]");
      System.exit(2);
    }
    boolean batched = args[0].equals("batched");
    long max = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
    URI url = URI.create(System.getenv("DATABASE_URL"));
    String user = url.getUserInfo() == null ? "postgres" : url.getUserInfo().split(":")[0];
    String jdbc = "jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + url.getPath() + "?user=" + user;
    long sent = 0;
    try (BufferedReader in = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8);
         Connection db = DriverManager.getConnection(jdbc)) {
      db.setAutoCommit(false);
      List<String> header = record(in);
      Map<String, Integer> at = new HashMap<>();
      for (int i = 0; i < header.size(); i++) at.putIfAbsent(header.get(i).trim().toLowerCase(), i);
      try (PreparedStatement st = db.prepareStatement(SQL)) {
        List<String> r;
        while (sent < max && (r = record(in)) != null) {
          String id = field(r, at, "ticket_id");
          id = id == null ? "" : id.trim().toUpperCase();
          if (id.isEmpty() || id.equals("TICKET_ID") || id.length() > 64 || id.startsWith("EXPORT STOPPED")) continue;
          st.setString(1, id);
          for (int i = 0; i < TEXT.length; i++) st.setString(i + 2, field(r, at, TEXT[i]));
          if (batched) {
            st.addBatch();
            if (++sent % 1000 == 0) st.executeBatch();
          } else {
            st.executeUpdate();
            sent++;
          }
        }
        if (batched) st.executeBatch();
      }
      db.commit();
    }
    System.out.println(sent);
  }

  static String field(List<String> r, Map<String, Integer> at, String name) {
    Integer i = at.get(name);
    return i == null || i >= r.size() ? null : r.get(i);
  }

  /** One CSV record (RFC 4180: quotes, doubled quotes, line ends inside quotes), or null at the end. */
  static List<String> record(BufferedReader in) throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false, any = false;
    int c;
    while ((c = in.read()) != -1) {
      any = true;
      if (quoted) {
        if (c == '"') {
          in.mark(1);
          int d = in.read();
          if (d == '"') f.append('"');
          else { quoted = false; if (d != -1) in.reset(); }
        } else f.append((char) c);
      } else if (c == '"') quoted = true;
      else if (c == ',') { out.add(f.toString()); f.setLength(0); }
      else if (c == '\n') { out.add(f.toString()); return out; }
      else if (c == '\r') {
        in.mark(1);
        if (in.read() != '\n') in.reset();
        out.add(f.toString());
        return out;
      } else f.append((char) c);
    }
    if (!any) return null;
    out.add(f.toString());
    return out;
  }
}
