package ke.fleettickets.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The assertions and the plan read from pgTAP's output lines. */
public record TapOutput(List<Assertion> assertions, Integer plannedCount) {

  /**
   * One {@code ok}/{@code not ok} line. {@code directive} is the text after an unescaped
   * {@code # TODO} or {@code # SKIP} ("TODO reason"), or null; either counts as passing.
   */
  public record Assertion(int number, String description, boolean ok, String directive, List<String> diagnostics) {
    public boolean passed() {
      return ok || directive != null;
    }

    public String displayName() {
      String name = description.isEmpty() ? "assertion " + number : description;
      return directive == null ? name : name + " # " + directive;
    }
  }

  private static final Pattern TEST = Pattern.compile("^(not )?ok (\\d+)\\b\\s*(?:-\\s?)?(.*)$");
  private static final Pattern DIRECTIVE =
      Pattern.compile("(?:^|\\s)#\\s*((?:TODO|SKIP)\\b.*)$", Pattern.CASE_INSENSITIVE);
  private static final Pattern PLAN = Pattern.compile("^1\\.\\.(\\d+)\\b.*");

  public static TapOutput parse(List<String> lines) {
    List<Assertion> assertions = new ArrayList<>();
    Integer planned = null;
    List<String> diagnostics = null; // of the last assertion, while its diagnostics follow
    for (String line : lines) {
      Matcher t = TEST.matcher(line);
      Matcher p = PLAN.matcher(line);
      if (t.matches()) {
        diagnostics = new ArrayList<>();
        String rest = t.group(3);
        String directive = null;
        Matcher d = DIRECTIVE.matcher(rest);
        if (d.find()) {
          directive = d.group(1).strip();
          rest = rest.substring(0, d.start());
        }
        String description = rest.replace("\\#", "#").strip();
        assertions.add(new Assertion(Integer.parseInt(t.group(2)), description, t.group(1) == null,
            directive, diagnostics));
      } else if (p.matches()) {
        planned = Integer.valueOf(p.group(1));
        diagnostics = null;
      } else if (line.startsWith("#") && diagnostics != null) {
        diagnostics.add(line);
      }
    }
    return new TapOutput(List.copyOf(assertions), planned);
  }
}
