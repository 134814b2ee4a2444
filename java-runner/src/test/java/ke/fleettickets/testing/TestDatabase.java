package ke.fleettickets.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import ke.fleettickets.Migrations;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;

/**
 * The PostgreSQL server the tests run against, chosen once per JVM, and a migrated
 * template database from which every test gets its own fresh copy.
 *
 * <p>Server, in order: {@code FLEETTICKETS_TEST_DATABASE_URL} (postgres://user[:pass]@host:port/db);
 * a Testcontainers PostGIS container with pgTAP when a Docker engine answers; a throwaway
 * cluster from {@code scripts/throwaway-pg}. The template holds postgis, pgtap, the Flyway
 * migrations and the test helpers of {@code sql/tests/setup}. Only databases created here
 * are ever written to or dropped.
 */
public final class TestDatabase {

  /** One database for one test: JDBC coordinates and a postgres:// URL for subprocesses. */
  public record Database(String name, String jdbcUrl, String user, String password, String url) {
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** The first column of every row of a query, as text. */
    public List<String> column(String sql) throws SQLException {
      try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        List<String> values = new ArrayList<>();
        while (rs.next()) {
          values.add(rs.getString(1));
        }
        return values;
      }
    }

    /** Runs statements that return nothing worth reading (setup, sabotage, grants). */
    public void execute(String sql) throws SQLException {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }

    /** The one value a query returns; fails the test when it returns another number of rows. */
    public String one(String sql) throws SQLException {
      List<String> values = column(sql);
      if (values.size() != 1) {
        throw new AssertionError(sql + " returned " + values.size() + " rows: " + values);
      }
      return values.get(0);
    }
  }

  private record Server(String host, int port, String user, String password, String adminDb) {
    Database database(String name) {
      String auth = enc(user) + (password == null || password.isEmpty() ? "" : ":" + enc(password));
      return new Database(name, "jdbc:postgresql://" + host + ":" + port + "/" + name,
          user, password, "postgres://" + auth + "@" + host + ":" + port + "/" + name);
    }
  }

  private static final String IMAGE = "postgis/postgis:15-3.4";
  private static TestDatabase instance;

  private final Server server;
  private final String suffix = randomSuffix();
  private final String template = "ft_template_" + suffix;
  private final String emptyTemplate = "ft_template_empty_" + suffix;
  private final AtomicInteger counter = new AtomicInteger();
  private final List<String> created = new ArrayList<>();

  private static RuntimeException failure;

  public static synchronized TestDatabase get() {
    if (instance == null) {
      if (failure != null) {
        throw new IllegalStateException("the test database could not be set up (first error is the cause)", failure);
      }
      try {
        instance = new TestDatabase();
      } catch (RuntimeException e) {
        failure = e;
        throw e;
      }
    }
    return instance;
  }

  /** A new database, copied from the migrated template; dropped at JVM exit. */
  public synchronized Database freshDatabase() {
    String name = "ft_test_" + counter.incrementAndGet() + "_" + suffix;
    admin("CREATE DATABASE " + name + " TEMPLATE " + template);
    created.add(name);
    return server.database(name);
  }

  /**
   * A new database with the extensions postgis and pgtap and nothing else: no migration ran.
   * For tests that migrate it themselves, e.g. from an old schema version. The extensions
   * come from a template made once, because creating postgis takes seconds.
   */
  public synchronized Database emptyDatabase() {
    if (!created.contains(emptyTemplate)) {
      admin("CREATE DATABASE " + emptyTemplate);
      created.add(emptyTemplate);
      try (Connection c = server.database(emptyTemplate).connect(); Statement s = c.createStatement()) {
        s.execute("CREATE EXTENSION postgis; CREATE EXTENSION pgtap;");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create extensions postgis and pgtap in " + emptyTemplate, e);
      }
    }
    String name = "ft_test_" + counter.incrementAndGet() + "_" + suffix;
    admin("CREATE DATABASE " + name + " TEMPLATE " + emptyTemplate);
    created.add(name);
    return server.database(name);
  }

  public static Path projectDir() {
    String dir = System.getProperty("fleettickets.project.dir");
    if (dir != null) {
      return Paths.get(dir).toAbsolutePath().normalize();
    }
    // run outside Maven (an IDE): look upwards for the repository root
    for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("scripts/throwaway-pg"))) {
        return p;
      }
    }
    throw new IllegalStateException("system property fleettickets.project.dir is not set");
  }

  public static Path sqlDir() {
    String dir = System.getProperty("fleettickets.sql.dir");
    return dir != null ? Paths.get(dir).toAbsolutePath().normalize() : projectDir().resolve("sql");
  }

  private TestDatabase() {
    List<Runnable> atExit = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (atExit.isEmpty()) {
        dropCreated(); // a server we did not start keeps nothing of ours
      }
      atExit.forEach(Runnable::run);
    }, "test-database-cleanup"));
    server = chooseServer(atExit);
    admin("CREATE DATABASE " + template);
    created.add(template);
    Database t = server.database(template);
    try (Connection c = t.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pgtap;");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create extensions postgis and pgtap in " + template, e);
    }
    Migrations.migrate(t.jdbcUrl(), t.user(), t.password());
    installTestSetup(t);
  }

  /** {@code <sql dir>/tests/setup/*.sql}, in name order: test-only helpers the jar does not carry. */
  private static void installTestSetup(Database db) {
    Path dir = sqlDir().resolve("tests/setup");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> list = Files.list(dir); Connection c = db.connect(); Statement s = c.createStatement()) {
      for (Path f : list.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList()) {
        try {
          s.execute(Files.readString(f, StandardCharsets.UTF_8));
        } catch (SQLException e) {
          throw new IllegalStateException("test setup " + f + " failed: " + e.getMessage(), e);
        }
      }
    } catch (IOException | SQLException e) {
      throw new IllegalStateException("cannot install the test setup from " + dir, e);
    }
  }

  private static Server chooseServer(List<Runnable> atExit) {
    String url = System.getenv("FLEETTICKETS_TEST_DATABASE_URL");
    if (url != null && !url.isBlank()) {
      Server s = parse(url.trim());
      announce("FLEETTICKETS_TEST_DATABASE_URL", s);
      return s;
    }
    if (dockerAvailable()) {
      Server s = startContainer(atExit);
      announce("Testcontainers " + IMAGE + " with pgTAP", s);
      return s;
    }
    Server s = startThrowawayCluster(atExit);
    announce("local throwaway cluster (scripts/throwaway-pg)", s);
    return s;
  }

  private static void announce(String how, Server s) {
    System.out.println("TestDatabase: " + how + " at " + s.user() + "@" + s.host() + ":" + s.port()
        + "/" + s.adminDb());
  }

  static Server parse(String url) {
    URI u = URI.create(url);
    if (!"postgres".equals(u.getScheme()) && !"postgresql".equals(u.getScheme())) {
      throw new IllegalArgumentException("FLEETTICKETS_TEST_DATABASE_URL must be postgres://user[:pass]@host:port/db");
    }
    String user = "postgres";
    String password = "";
    if (u.getRawUserInfo() != null) {
      String[] parts = u.getRawUserInfo().split(":", 2);
      user = dec(parts[0]);
      password = parts.length > 1 ? dec(parts[1]) : "";
    }
    String db = u.getPath() == null || u.getPath().length() <= 1 ? "postgres" : u.getPath().substring(1);
    return new Server(u.getHost(), u.getPort() < 0 ? 5432 : u.getPort(), user, password, db);
  }

  /** Asks Testcontainers only when something Docker-like is configured: no Docker, no delay, no noise. */
  private static boolean dockerAvailable() {
    boolean configured = System.getenv("DOCKER_HOST") != null
        || Files.exists(Paths.get("/var/run/docker.sock"))
        || Files.exists(Paths.get(System.getProperty("user.home"), ".docker/run/docker.sock"))
        || Files.exists(Paths.get(System.getProperty("user.home"), ".testcontainers.properties"));
    if (!configured) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  private static Server startContainer(List<Runnable> atExit) {
    ImageFromDockerfile image = new ImageFromDockerfile("fleettickets/postgis-pgtap:15-3.4", false)
        .withDockerfileFromBuilder(b -> b.from(IMAGE)
            .run("apt-get update && apt-get install -y postgresql-15-pgtap && rm -rf /var/lib/apt/lists/*")
            .build());
    PostgreSQLContainer<?> c;
    try {
      c = new PostgreSQLContainer<>(DockerImageName.parse(image.get()).asCompatibleSubstituteFor("postgres"));
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the PostGIS+pgTAP image", e);
    }
    c.withDatabaseName("fleettickets").start();
    atExit.add(c::stop);
    return new Server(c.getHost(), c.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
        c.getUsername(), c.getPassword(), c.getDatabaseName());
  }

  private static Server startThrowawayCluster(List<Runnable> atExit) {
    Path script = projectDir().resolve("scripts/throwaway-pg");
    Path dir;
    try {
      dir = Files.createTempDirectory("fleettickets-pg-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    atExit.add(() -> run(script.toString(), "stop", dir.toString()));
    String out = run(script.toString(), "start", dir.toString());
    String[] lines = out.strip().split("\n");
    return parse(lines[lines.length - 1].strip());
  }

  private static String run(String... command) {
    try {
      Path log = Files.createTempFile("fleettickets-pg-", ".log");
      try {
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out
              + Files.readString(log));
        }
        return out;
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void admin(String sql) {
    try (Connection c = server.database(server.adminDb()).connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private synchronized void dropCreated() {
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        admin("DROP DATABASE IF EXISTS " + created.get(i) + " WITH (FORCE)");
      } catch (RuntimeException e) {
        // best effort: the JVM is exiting
      }
    }
  }

  private static String randomSuffix() {
    byte[] b = new byte[4];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String dec(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
