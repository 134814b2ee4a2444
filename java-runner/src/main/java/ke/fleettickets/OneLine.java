package ke.fleettickets;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Flattens a message to one line: stderr gets one line per failure, whatever the source
 * says. A server's multi-line message reads best with its line breaks as spaces; any
 * other control character in it (a CR alone in a header it quotes, say) is shown
 * {@link Escaped}.
 */
final class OneLine {
    private OneLine() {
    }

    static String of(String text) {
        if (text == null) {
            return "";
        }
        // line breaks (LF, or CRLF) become spaces; a CR alone is data, and shown
        return Escaped.of(text.strip().replaceAll("[ \\t]*(\\r?\\n[ \\t]*)+", " "));
    }

    /** NIO names the file in the message and leaves the reason to the exception's class. */
    static String of(IOException e) {
        if (e instanceof FileSystemException fs) {
            String reason = fs.getReason() != null ? fs.getReason()
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e.getClass().getSimpleName();
            // the name is data, not prose: a line break in it is shown, not flattened
            return Escaped.of(fs.getFile()) + ": " + of(reason);
        }
        return of(e.getMessage() != null ? e.getMessage() : e.toString());
    }
}
