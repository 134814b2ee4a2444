package ke.fleettickets.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A real S3 server for one test: S3Proxy on 127.0.0.1 (a free port), path-style, checking
 * AWS V2/V4 signatures, over an in-memory jclouds "transient" store holding the bucket
 * {@value #BUCKET}. Other processes reach it through {@link #env()}; {@link #faults()}
 * makes it misbehave from inside.
 *
 * <p>The helpers ({@link #put}, {@link #get}, {@link #keys}, …) work on the store behind
 * the server: they see no faults and are not counted by {@link Faults#calls}, so a test can
 * arrange and check objects while the server is failing or holding requests.
 *
 * <p>Where S3Proxy 2.6.0 differs from S3 (and RustFS) on this classpath:
 * <ul>
 *   <li>DeleteObjects is refused (501): the SDK always sends x-amz-checksum-crc32 with it,
 *       a header S3Proxy does not know. DeleteObject works.</li>
 *   <li>A request whose body S3Proxy parses as XML (CompleteMultipartUpload, CreateBucket
 *       with a configuration) fails with NoSuchMethodError inside the server: Maven picks
 *       Flyway's Jackson 2.15.2, and S3Proxy's jackson-dataformat-xml 2.18.2 needs 2.18.</li>
 *   <li>Under a delimiter listing, a subfolder that has a marker object ({@code sub/}) is
 *       listed as that zero-byte object instead of as a common prefix.</li>
 * </ul>
 */
public final class TestS3 implements AutoCloseable {

  private static final String BUCKET = "isptickets";
  private static final String ACCESS_KEY = "test-access-key";
  private static final String SECRET_KEY = "test-secret-key";
  private static final String REGION = "us-east-1";

  private static final Comparator<String> BYTE_ORDER = (a, b) -> Arrays.compareUnsigned(
      a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private final BlobStoreContext context;
  private final BlobStore store;
  private final Faults faults;
  private final S3Proxy proxy;
  private final String endpoint;
  private S3Client client;

  private TestS3(BlobStoreContext context, Faults faults, S3Proxy proxy) {
    this.context = context;
    this.store = context.getBlobStore();
    this.faults = faults;
    this.proxy = proxy;
    this.endpoint = "http://127.0.0.1:" + proxy.getPort();
  }

  /** Starts a server with an empty bucket. */
  private static TestS3 shared;

  /**
   * One server for every test class that only needs an empty bucket before each test
   * ({@link #reset}): started at first use, stopped when the test JVM exits.
   */
  public static synchronized TestS3 shared() {
    if (shared == null) {
      TestS3 started = start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-s3-stop"));
      shared = started;
    }
    return shared;
  }

  public static TestS3 start() {
    BlobStoreContext context = ContextBuilder.newBuilder("transient")
        .credentials(ACCESS_KEY, SECRET_KEY)
        .build(BlobStoreContext.class);
    try {
      context.getBlobStore().createContainerInLocation(null, BUCKET);
      Faults faults = new Faults();
      S3Proxy proxy = S3Proxy.builder()
          .blobStore(faults.wrap(context.getBlobStore()))
          .endpoint(URI.create("http://127.0.0.1:0"))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
          .build();
      proxy.start(); // returns once Jetty listens
      return new TestS3(context, faults, proxy);
    } catch (Exception e) {
      context.close();
      throw new IllegalStateException("cannot start S3Proxy", e);
    }
  }

  public String endpoint() {
    return endpoint;
  }

  public String bucket() {
    return BUCKET;
  }

  public String accessKey() {
    return ACCESS_KEY;
  }

  public String secretKey() {
    return SECRET_KEY;
  }

  public String region() {
    return REGION;
  }

  /** The runner's S3 settings, for a subprocess. */
  public Map<String, String> env() {
    return Map.of(
        "RUSTFS_ENDPOINT", endpoint,
        "RUSTFS_REGION", REGION,
        "RUSTFS_BUCKET", BUCKET,
        "RUSTFS_ACCESS_KEY_ID", ACCESS_KEY,
        "RUSTFS_SECRET_ACCESS_KEY", SECRET_KEY);
  }

  /** A client of this server with the SDK's default retries; closed with the server. */
  public synchronized S3Client client() {
    if (client == null) {
      client = clientBuilder().build();
    }
    return client;
  }

  /**
   * A builder for a client of this server, to vary it (retries, credentials); the caller
   * closes what it builds. Checksums are computed and validated only when S3 requires them:
   * S3Proxy 2.6.0 does not understand the SDK's default flexible checksums.
   */
  public S3ClientBuilder clientBuilder() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .forcePathStyle(true)
        .region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(UrlConnectionHttpClient.builder());
  }

  public void put(String key, byte[] body) {
    Blob blob = store.blobBuilder(key)
        .payload(body)
        .contentLength(body.length)
        .contentType("application/octet-stream")
        .build();
    store.putBlob(BUCKET, blob);
  }

  public void put(String key, String utf8) {
    put(key, utf8.getBytes(StandardCharsets.UTF_8));
  }

  /** Every key under the prefix, in byte order (the order S3 lists them in). */
  public List<String> keys(String prefix) {
    List<String> keys = new ArrayList<>();
    String marker = null;
    do {
      ListContainerOptions options = ListContainerOptions.Builder.recursive();
      if (!prefix.isEmpty()) {
        options.prefix(prefix);
      }
      if (marker != null) {
        options.afterMarker(marker);
      }
      PageSet<? extends StorageMetadata> page = store.list(BUCKET, options);
      page.forEach(m -> keys.add(m.getName()));
      marker = page.getNextMarker();
    } while (marker != null);
    keys.sort(BYTE_ORDER);
    return keys;
  }

  public byte[] get(String key) {
    Blob blob = store.getBlob(BUCKET, key);
    if (blob == null) {
      throw new NoSuchElementException("no object " + key + " in " + BUCKET);
    }
    try (InputStream in = blob.getPayload().openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + key, e);
    }
  }

  public boolean exists(String key) {
    return store.blobExists(BUCKET, key);
  }

  /** The object's ETag without quotes (hex MD5 of the body for a single-part upload). */
  public String etag(String key) {
    BlobMetadata metadata = store.blobMetadata(BUCKET, key);
    if (metadata == null) {
      throw new NoSuchElementException("no object " + key + " in " + BUCKET);
    }
    return metadata.getETag().replace("\"", "");
  }

  public void delete(String key) {
    store.removeBlob(BUCKET, key);
  }

  public Faults faults() {
    return faults;
  }

  /**
   * Empties the bucket, clears the faults and zeroes the call counts: a server as new for
   * the next test, without the cost of starting one.
   */
  public void reset() {
    faults.clear();
    store.clearContainer(BUCKET);
    faults.resetCounts();
  }

  /** Releases held requests, then stops the server. */
  @Override
  public void close() {
    faults.clear();
    try {
      synchronized (this) {
        if (client != null) {
          client.close();
        }
      }
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop S3Proxy", e);
    } finally {
      context.close();
    }
  }
}
