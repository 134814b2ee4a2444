package ke.fleettickets;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The bucket of the change stream, as the drain needs it: list the changes folder, read
 * an object, move one (copy, then delete), write a small text. Every failure surfaces as
 * an {@link InfrastructureException} naming the operation and the key; throttling, 5xx
 * answers and timeouts are retried with backoff first.
 */
final class Bucket implements AutoCloseable {
    /** What is listed; where each file goes afterwards is the database's call (the ledger's archive_key). */
    static final String CHANGES = "automations/inc/changes/";

    /** One key of a listing, as S3 reports it. */
    record Listed(String key, String etag, long size) {
    }

    private final BucketSettings settings;
    private final S3Client s3;

    Bucket(BucketSettings settings) {
        this.settings = settings;
        this.s3 = S3Client.builder()
                .endpointOverride(settings.endpoint())
                .region(Region.of(settings.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())))
                // RustFS and S3Proxy refuse the SDK's default trailing checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        // exponential backoff with jitter on throttling, 5xx and I/O errors
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts()).build())
                        .build())
                .build();
    }

    String bucketName() {
        return settings.bucket();
    }

    /** Every key directly under changes/, all pages of the listing. */
    List<Listed> listChanges() {
        try {
            List<Listed> keys = new ArrayList<>();
            ListObjectsV2Request request = ListObjectsV2Request.builder()
                    .bucket(settings.bucket()).prefix(CHANGES).delimiter("/")
                    // keys URL-encoded on the wire (the SDK decodes them): a key holding a
                    // control character would otherwise make the listing's XML unreadable
                    .encodingType(EncodingType.URL).build();
            for (S3Object o : s3.listObjectsV2Paginator(request).contents()) {
                keys.add(new Listed(o.key(), o.eTag(), o.size() == null ? 0 : o.size()));
            }
            return keys;
        } catch (SdkException e) {
            throw failure("listing " + address(CHANGES), e);
        }
    }

    /**
     * The object's bytes as a stream; the caller reads and closes it. Only the version
     * listed: if it was replaced since, S3 answers 412 and the next run sees the new one.
     */
    InputStream open(String key, String etag) {
        try {
            return s3.getObject(b -> b.bucket(settings.bucket()).key(key).ifMatch(quoted(etag)));
        } catch (SdkException e) {
            throw failure("reading " + address(key), e);
        }
    }

    /**
     * Copy, then delete: a crash in between leaves both, and the next run moves it again.
     * The copy is of the version ingested only, so a file replaced meanwhile is not
     * archived unread: it stays, and the next run quarantines it as a changed file.
     */
    void move(String from, String etag, String to) {
        try {
            s3.copyObject(b -> b.sourceBucket(settings.bucket()).sourceKey(from).copySourceIfMatch(quoted(etag))
                    .destinationBucket(settings.bucket()).destinationKey(to));
        } catch (SdkException e) {
            throw failure("copying " + address(from) + " to " + to, e);
        }
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(from));
        } catch (SdkException e) {
            throw failure("deleting " + address(from) + " (already copied to " + to + ")", e);
        }
    }

    void putText(String key, String text) {
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(key).contentType("text/plain"),
                    RequestBody.fromString(text, StandardCharsets.UTF_8));
        } catch (SdkException e) {
            throw failure("writing " + address(key), e);
        }
    }

    String address(String key) {
        return "s3://" + settings.bucket() + "/" + key;
    }

    private static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    private InfrastructureException failure(String what, SdkException e) {
        if (e instanceof SdkServiceException service && service.statusCode() == 412) {
            return new InfrastructureException("S3: " + what + ": the object changed since it was listed;"
                    + " nothing of it was applied or moved, and the next run will see the new version", e);
        }
        String status = e instanceof SdkServiceException service ? " (HTTP " + service.statusCode() + ")" : "";
        return new InfrastructureException("S3 failed " + what + " at " + settings.maskedEndpoint() + status + ": "
                + OneLine.of(e.getMessage()), e);
    }

    @Override
    public void close() {
        s3.close();
    }
}
