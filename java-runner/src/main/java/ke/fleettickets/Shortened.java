package ke.fleettickets;

import java.util.List;

/**
 * Keeps a progress line readable when a file brings many unknown columns, or a header
 * name of a thousand characters: the full list stays in {@code tickets.file_ledger}.
 */
final class Shortened {
    /** Names shown before "and N more". */
    static final int MAX_NAMES = 10;
    /** Characters (code points) of a name shown, the ellipsis included. */
    static final int MAX_CHARS = 60;

    private Shortened() {
    }

    /** The name, or its first characters and an ellipsis. */
    static String name(String name) {
        return text(name, MAX_CHARS);
    }

    /** The text, or its first {@code max - 1} characters (code points) and an ellipsis. */
    static String text(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
    }

    /** The first names, each shortened, space-separated, then how many were left out. */
    static String list(List<String> names) {
        List<String> shown = names.stream().limit(MAX_NAMES).map(Shortened::name).toList();
        String text = String.join(" ", shown);
        return names.size() > MAX_NAMES ? text + " and " + (names.size() - MAX_NAMES) + " more" : text;
    }
}
