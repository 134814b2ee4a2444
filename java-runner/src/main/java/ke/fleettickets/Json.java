package ke.fleettickets;

import java.util.Collection;
import java.util.Map;

/**
 * Just enough JSON for one-line log events, error bodies and the status report: strings,
 * numbers, booleans, lists and maps of those.
 */
public final class Json {
    private Json() {
    }

    public static String object(Map<String, ?> fields) {
        StringBuilder b = new StringBuilder();
        object(b, fields);
        return b.toString();
    }

    private static void object(StringBuilder b, Map<?, ?> fields) {
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : fields.entrySet()) {
            if (!first) {
                b.append(',');
            }
            string(b, String.valueOf(e.getKey()));
            b.append(':');
            value(b, e.getValue());
            first = false;
        }
        b.append('}');
    }

    private static void value(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Map<?, ?> fields) {
            object(b, fields);
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Collection<?> items) {
            b.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    b.append(',');
                }
                value(b, item);
                first = false;
            }
            b.append(']');
        } else {
            string(b, v.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    // U+2028/2029 end a line in some readers; C1 and bidi controls fool a terminal
                    if (Escaped.isHidden(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
