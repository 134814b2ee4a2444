package ke.fleettickets;

import java.io.IOException;
import java.io.InputStream;

/** One CSV file of the change stream: a local file or a bucket object. */
interface ChangeFile {

    /** The ledger key it is recorded under. */
    String key();

    /** How progress lines name it. */
    String name();

    /** How error lines name it: a path, or an s3:// address. */
    String label();

    long sizeBytes();

    /** The ETag the source already knows, or null to compute it (MD5) while reading. */
    String knownEtag();

    InputStream open() throws IOException;
}
