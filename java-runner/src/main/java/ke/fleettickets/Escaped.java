package ke.fleettickets;

/**
 * Text from outside (file names, S3 keys, header names, server messages) made safe to
 * print: a control character could end the line early and forge the next one, move the
 * cursor or recolour the terminal, and a bidi control could reorder what is shown.
 * Each is shown escaped instead, so it stays visible and the line stays one line.
 * A backslash is left as it is, so escaping twice changes nothing.
 */
final class Escaped {
    private Escaped() {
    }

    static String of(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isHidden(c)) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? text : b.toString();
    }

    /**
     * C0 and C1 controls, DEL, the line and paragraph separators, the characters that
     * change the direction of the text around them, and the zero-width ones (a BOM too).
     */
    static boolean isHidden(char c) {
        return c < 0x20
                || (c >= 0x7f && c <= 0x9f)
                || c == '\u061c' || (c >= '\u200b' && c <= '\u200f') || c == '\u2060' || c == '\ufeff'
                || (c >= '\u2028' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
