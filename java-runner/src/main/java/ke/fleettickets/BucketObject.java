package ke.fleettickets;

import java.io.InputStream;

/** A change file in the bucket, as listed and planned. */
record BucketObject(Bucket bucket, String key, String etag, long sizeBytes) implements ChangeFile {

    @Override
    public String name() {
        return key;
    }

    @Override
    public String label() {
        return bucket.address(key);
    }

    @Override
    public String knownEtag() {
        return etag;
    }

    @Override
    public InputStream open() {
        return bucket.open(key, etag);
    }
}
