package ke.fleettickets.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records, read independently of the code under test (quotes, doubled quotes, line
 * breaks inside quotes, LF or CRLF), so that tests can count what a file holds.
 */
public final class CsvText {

    /** The records of a text, and whether it ended inside a quote or without a line ending. */
    public record Parsed(List<List<String>> records, boolean endsInsideQuotes, boolean endsWithoutLineEnd) {
    }

    private CsvText() {
    }

    public static Parsed parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        boolean unterminated = !record.isEmpty() || field.length() > 0;
        if (unterminated) {
            record.add(field.toString());
            records.add(record);
        }
        return new Parsed(records, quoted, unterminated);
    }
}
