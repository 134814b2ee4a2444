package ke.fleettickets.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Every pgTAP suite in {@code <sql dir>/tests/*.sql}, each on its own fresh database:
 * one container per file, one test per assertion, and a "plan" test that fails when the
 * plan is missing or not met, or when the script raised an error.
 */
class PgTapSuiteTest {

  @TestFactory
  Stream<DynamicContainer> pgTapSuites() throws IOException {
    Path dir = TestDatabase.sqlDir().resolve("tests");
    if (!Files.isDirectory(dir)) {
      return Stream.empty();
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
    }
    return files.stream().map(f -> DynamicContainer.dynamicContainer(
        f.getFileName().toString(), f.toUri(), Stream.of(f).flatMap(PgTapSuiteTest::runSuite)));
  }

  /** Runs lazily, when JUnit reaches the file's container. */
  static Stream<DynamicNode> runSuite(Path file) {
    String script;
    try {
      script = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> lines = new ArrayList<>();
    SQLException error = null;
    TestDatabase.Database db = TestDatabase.get().freshDatabase();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      // pgJDBC splits the script into statements itself, dollar quoting included
      boolean isResult = s.execute(script);
      while (true) {
        if (isResult) {
          try (ResultSet rs = s.getResultSet()) {
            if (rs.getMetaData().getColumnCount() == 1) {
              while (rs.next()) {
                String text = rs.getString(1);
                if (text != null) {
                  lines.addAll(text.lines().toList());
                }
              }
            }
          }
        } else if (s.getUpdateCount() == -1) {
          break;
        }
        isResult = s.getMoreResults();
      }
    } catch (SQLException e) {
      error = e;
    }
    return nodes(TapOutput.parse(lines), error);
  }

  static Stream<DynamicNode> nodes(TapOutput tap, SQLException error) {
    List<DynamicNode> nodes = new ArrayList<>();
    for (TapOutput.Assertion a : tap.assertions()) {
      nodes.add(DynamicTest.dynamicTest(a.displayName(), () -> {
        if (!a.passed()) {
          fail("not ok " + a.number() + " - " + a.description()
              + (a.diagnostics().isEmpty() ? "" : "\n" + String.join("\n", a.diagnostics())));
        }
      }));
    }
    int seen = tap.assertions().size();
    nodes.add(DynamicTest.dynamicTest("plan", () -> {
      if (error != null) {
        // pgJDBC drops the results of a script that fails, hence no assertions then
        fail("the script raised " + describe(error) + "\n  (pg_prove on the file names the failing line)");
      }
      if (tap.plannedCount() == null) {
        fail("no plan line (1..N): call plan(n) or finish()");
      }
      if (tap.plannedCount() != seen) {
        fail("planned " + tap.plannedCount() + " assertion(s) but ran " + seen);
      }
    }));
    return nodes.stream();
  }

  private static String describe(SQLException e) {
    StringBuilder b = new StringBuilder();
    ServerErrorMessage m = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
    if (m == null) {
      return b.append(e.getMessage()).append(" [SQLSTATE ").append(e.getSQLState()).append("]").toString();
    }
    b.append(m.getSeverity()).append(": ").append(m.getMessage())
        .append(" [SQLSTATE ").append(m.getSQLState()).append("]");
    if (m.getPosition() > 0) {
      b.append(" at character ").append(m.getPosition()).append(" of the failing statement");
    }
    if (m.getDetail() != null) {
      b.append("\n  detail: ").append(m.getDetail());
    }
    if (m.getHint() != null) {
      b.append("\n  hint: ").append(m.getHint());
    }
    if (m.getWhere() != null) {
      b.append("\n  where: ").append(m.getWhere());
    }
    return b.toString();
  }
}
