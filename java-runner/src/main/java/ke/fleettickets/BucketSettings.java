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
        return "s3://" + bucket + " at " + maskedEndpoint() + " (region " + region + ", key " + accessKeyId + ")";
    }

    /** The endpoint as it may be printed: user-info in it (user:password@) shows as ***. */
    String maskedEndpoint() {
        return masked(endpoint);
    }

    /** An endpoint as it may be printed: user-info in it (user:password@) shows as ***. */
    static String masked(URI endpoint) {
        String text = endpoint.toString();
        String userInfo = endpoint.getRawUserInfo();
        if (userInfo == null) {
            return text;
        }
        int start = text.indexOf("//") + 2;
        return text.substring(0, start) + "***" + text.substring(start + userInfo.length());
    }
}
