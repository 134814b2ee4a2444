package ke.fleettickets.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import ke.fleettickets.PercentEncoded;

/**
 * The query string of one API request, checked against what the endpoint takes: known names
 * only, each at most once, bounded lengths, no control characters. An empty value is the
 * same as none ({@code cluster=} means every cluster). Whether a value means something
 * (a window, a number) is asked by the endpoint through {@link #oneOf}, {@link #decimal}
 * and {@link #whole}; what a value means for the data is the SQL's.
 */
final class QueryParameters {
    static final int MAX_QUERY_LENGTH = 2048;
    static final int MAX_VALUE_LENGTH = 64;

    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d{1,15}(\\.\\d{0,15})?|\\.\\d{1,15})");
    private static final Pattern WHOLE = Pattern.compile("[-+]?\\d{1,9}");

    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = values;
    }

    /** @param known the names this endpoint takes, in the order its error message lists them */
    static QueryParameters parse(String rawQuery, List<String> known) throws BadParameter {
        Map<String, String> values = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new QueryParameters(values);
        }
        if (rawQuery.length() > MAX_QUERY_LENGTH) {
            throw new BadParameter(null, "the query string is longer than " + MAX_QUERY_LENGTH + " characters");
        }
        Set<String> names = Set.copyOf(known);
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), null);
            if (!names.contains(name)) {
                throw new BadParameter(shown(name), known.isEmpty() ? "this endpoint takes no parameters"
                        : "unknown parameter; this endpoint takes " + String.join(", ", known));
            }
            String value = decode(eq < 0 ? "" : pair.substring(eq + 1), name);
            if (values.containsKey(name)) {
                throw new BadParameter(name, name + " is given more than once");
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                throw new BadParameter(name, name + " is longer than " + MAX_VALUE_LENGTH + " characters");
            }
            if (value.chars().anyMatch(Character::isISOControl)) {
                throw new BadParameter(name, name + " holds a control character");
            }
            values.put(name, value.strip());
        }
        return new QueryParameters(values);
    }

    /** The value, or null when it is absent or empty. */
    String text(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** The value, which must be one of {@code allowed} when given. */
    String oneOf(String name, List<String> allowed) throws BadParameter {
        String v = text(name);
        if (v != null && !allowed.contains(v)) {
            throw new BadParameter(name, name + " is " + listed(allowed));
        }
        return v;
    }

    /** A decimal number (no exponent, no NaN), or null when absent. */
    Double decimal(String name, String example) throws BadParameter {
        String v = text(name);
        if (v == null) {
            return null;
        }
        if (!DECIMAL.matcher(v).matches()) {
            throw new BadParameter(name, name + " is a decimal number, e.g. " + example);
        }
        return Double.parseDouble(v);
    }

    /** A whole number, or null when absent. */
    Integer whole(String name, String example) throws BadParameter {
        String v = text(name);
        if (v == null) {
            return null;
        }
        if (!WHOLE.matcher(v).matches()) {
            throw new BadParameter(name, name + " is a whole number, e.g. " + example);
        }
        return Integer.parseInt(v);
    }

    static <T> T required(String name, T value, String example) throws BadParameter {
        if (value == null) {
            throw new BadParameter(name, name + " is required, e.g. " + name + "=" + example);
        }
        return value;
    }

    private static String decode(String raw, String name) throws BadParameter {
        String decoded = PercentEncoded.formField(raw);
        if (decoded == null) {
            throw new BadParameter(name == null ? shown(raw) : name,
                    (name == null ? "a parameter name" : name) + " is not properly percent-encoded UTF-8");
        }
        return decoded;
    }

    /** A name as an error may repeat it: bounded, since it comes from outside. */
    private static String shown(String name) {
        return name.length() > MAX_VALUE_LENGTH ? name.substring(0, MAX_VALUE_LENGTH) + "…" : name;
    }

    private static String listed(List<String> allowed) {
        if (allowed.size() == 1) {
            return allowed.get(0);
        }
        return String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or " + allowed.get(allowed.size() - 1);
    }
}
