package ke.fleettickets.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class TapOutputTest {

  @Test
  void readsPlanAssertionsAndTheDiagnosticsOfAFailure() {
    TapOutput tap = TapOutput.parse(List.of(
        "1..3",
        "ok 1 - staging table is created",
        "not ok 2 - duplicate header raises FT002",
        "# Failed test 2: \"duplicate header raises FT002\"",
        "#       caught: no exception",
        "ok 3",
        "# Looks like you failed 1 test of 3"));

    assertEquals(3, tap.plannedCount());
    assertEquals(3, tap.assertions().size());
    TapOutput.Assertion failed = tap.assertions().get(1);
    assertFalse(failed.passed());
    assertEquals("duplicate header raises FT002", failed.displayName());
    assertEquals(List.of("# Failed test 2: \"duplicate header raises FT002\"", "#       caught: no exception"),
        failed.diagnostics());
    assertEquals("assertion 3", tap.assertions().get(2).displayName());
  }

  @Test
  void todoAndSkipPassAndAnEscapedHashIsPartOfTheDescription() {
    TapOutput tap = TapOutput.parse(List.of(
        "not ok 1 - geocoder resolves estates # TODO gazetteer not loaded",
        "ok 2 - # SKIP no plpgsql_check",
        "ok 3 - ticket \\#7 is kept"));

    assertNull(tap.plannedCount());
    assertTrue(tap.assertions().get(0).passed());
    assertEquals("geocoder resolves estates", tap.assertions().get(0).description());
    assertEquals("TODO gazetteer not loaded", tap.assertions().get(0).directive());
    assertEquals("assertion 2 # SKIP no plpgsql_check", tap.assertions().get(1).displayName());
    assertEquals("ticket #7 is kept", tap.assertions().get(2).description());
  }
}
