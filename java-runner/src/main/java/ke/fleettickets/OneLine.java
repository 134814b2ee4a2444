package ke.fleettickets;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Flattens a message to one line: stderr gets one line per failure, whatever the source says. */
final class OneLine {
    private OneLine() {
    }

    static String of(String text) {
        if (text == null) {
            return "";
        }
        return text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** NIO names the file in the message and leaves the reason to the exception's class. */
    static String of(IOException e) {
        if (e instanceof FileSystemException fs) {
            String reason = fs.getReason() != null ? fs.getReason()
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e.getClass().getSimpleName();
            return of(fs.getFile() + ": " + reason);
        }
        return of(e.getMessage() != null ? e.getMessage() : e.toString());
    }
}
