package ke.fleettickets;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-decoding, strict: a bad escape or bytes that are not UTF-8 make it fail rather
 * than turn into something else (a replacement character, a guess). For the parts of a
 * database URL and for the map server's paths, queries and forms.
 */
public final class PercentEncoded {
    private PercentEncoded() {
    }

    /** A path segment ({@code +} is a plus); null when malformed. */
    public static String pathSegment(String text) {
        return decode(text, false);
    }

    /** A name or value of a query string or form ({@code +} is a space); null when malformed. */
    public static String formField(String text) {
        return decode(text, true);
    }

    private static String decode(String text, boolean plusIsSpace) {
        String s = plusIsSpace ? text.replace('+', ' ') : text;
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '%') {
                int next = s.indexOf('%', i);
                int end = next < 0 ? s.length() : next;
                bytes.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
                continue;
            }
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (lo < 0) {
                return null;
            }
            bytes.write(hi * 16 + lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
