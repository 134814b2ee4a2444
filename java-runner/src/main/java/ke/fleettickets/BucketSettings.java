package ke.fleettickets;

import java.net.URI;

/** Where the change stream lives: an S3-compatible bucket, path-style (RustFS in production). */
record BucketSettings(URI endpoint, String region, String bucket, String accessKeyId, String secretAccessKey,
        int maxAttempts) {

    static final String DEFAULT_REGION = "us-east-1";
    static final String DEFAULT_BUCKET = "isptickets";
    static final int DEFAULT_MAX_ATTEMPTS = 6;

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "s3://" + bucket + " at " + endpoint + " (region " + region + ", key " + accessKeyId + ")";
    }
}
