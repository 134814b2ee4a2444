package ke.fleettickets.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ke.fleettickets.testing.Faults.Op;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

class TestS3Test {

  private static final String CHANGES = "automations/inc/changes/";

  // one server for the class (a cold start costs seconds, a reset nothing)
  private static TestS3 s3;
  private static S3Client noRetries;

  @BeforeAll
  static void start() {
    s3 = TestS3.start();
    noRetries = s3.clientBuilder()
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @AfterEach
  void reset() {
    s3.reset();
  }

  @AfterAll
  static void stop() {
    noRetries.close();
    s3.close();
  }

  @Test
  void anObjectPutWithTheSdkIsListedAndReadBack() {
    S3Client c = s3.client();
    c.putObject(b -> b.bucket(s3.bucket()).key(CHANGES + "a.csv"), RequestBody.fromString("id\nINC1\n"));

    assertEquals("id\nINC1\n", read(c, CHANGES + "a.csv"));
    assertEquals(List.of(CHANGES + "a.csv"),
        c.listObjectsV2(b -> b.bucket(s3.bucket()).prefix(CHANGES)).contents().stream().map(S3Object::key).toList());
    assertEquals("id\nINC1\n", new String(s3.get(CHANGES + "a.csv"), StandardCharsets.UTF_8),
        "the helpers see what the SDK wrote");
  }

  @Test
  void anObjectPutWithTheHelperIsReadByTheSdk() {
    s3.put(CHANGES + "b.csv", "id\nINC2\n");

    assertEquals("id\nINC2\n", read(s3.client(), CHANGES + "b.csv"));
  }

  @Test
  void aDelimiterListingPagesPastAThousandKeysAndShowsWhatSitsBesideTheFiles() {
    List<String> csv = new ArrayList<>();
    for (int i = 0; i < 1100; i++) {
      csv.add(CHANGES + String.format("20260625T%06d.csv", i));
    }
    csv.forEach(k -> s3.put(k, "id\n"));
    for (String k : List.of(CHANGES, CHANGES + "x.csv.part", CHANGES + "_SUCCESS", CHANGES + "README.txt",
        CHANGES + "sub/y.csv", "automations/inc/other.csv")) {
      s3.put(k, k.endsWith("/") ? "" : "x");
    }

    List<ListObjectsV2Response> pages = s3.client()
        .listObjectsV2Paginator(b -> b.bucket(s3.bucket()).prefix(CHANGES).delimiter("/"))
        .stream().toList();
    List<String> keys = pages.stream().flatMap(p -> p.contents().stream()).map(S3Object::key).toList();
    List<String> prefixes = pages.stream().flatMap(p -> p.commonPrefixes().stream())
        .map(CommonPrefix::prefix).distinct().toList();

    assertEquals(2, pages.size(), "1105 entries come in pages of at most 1000");
    assertEquals(1000, pages.get(0).keyCount());
    assertEquals(List.of(CHANGES + "sub/"), prefixes, "a subfolder is one common prefix, its keys are not listed");
    assertEquals(1104, keys.size());
    assertTrue(keys.containsAll(csv));
    assertEquals(List.of(CHANGES, CHANGES + "README.txt", CHANGES + "_SUCCESS", CHANGES + "x.csv.part"),
        keys.stream().filter(k -> !csv.contains(k)).toList(),
        "the folder marker is listed as an object, as S3 does; so is everything beside the CSV files");
    assertInByteOrder(keys);

    List<String> all = s3.keys(CHANGES);
    assertEquals(1105, all.size(), "the helper lists recursively");
    assertTrue(all.contains(CHANGES + "sub/y.csv"));
    assertInByteOrder(all);
  }

  /** A folder marker inside the prefix hides the keys below it and no common prefix is returned. */
  @Test
  void aSubfolderWithAMarkerIsListedAsAZeroByteObject() {
    s3.put(CHANGES, "");
    s3.put(CHANGES + "a.csv", "a");
    s3.put(CHANGES + "sub/", "");
    s3.put(CHANGES + "sub/b.csv", "b");

    ListObjectsV2Response r = s3.client().listObjectsV2(b -> b.bucket(s3.bucket()).prefix(CHANGES).delimiter("/"));

    assertEquals(List.of(CHANGES + ":0", CHANGES + "a.csv:1", CHANGES + "sub/:0"),
        r.contents().stream().map(o -> o.key() + ":" + o.size()).toList());
    assertEquals(List.of(), r.commonPrefixes(), "S3 would answer CommonPrefixes [sub/]; S3Proxy does not");
  }

  @Test
  void aCopyThenDeleteMovesAnObjectAndIsCountedAsOneCopyAndOneDelete() {
    s3.put(CHANGES + "a.csv", "id\nINC1\n");

    s3.client().copyObject(b -> b.sourceBucket(s3.bucket()).sourceKey(CHANGES + "a.csv")
        .destinationBucket(s3.bucket()).destinationKey("processed/a.csv"));
    s3.client().deleteObject(b -> b.bucket(s3.bucket()).key(CHANGES + "a.csv"));

    assertFalse(s3.exists(CHANGES + "a.csv"));
    assertEquals("id\nINC1\n", new String(s3.get("processed/a.csv"), StandardCharsets.UTF_8));
    assertEquals(s3.etag("processed/a.csv"), md5("id\nINC1\n".getBytes(StandardCharsets.UTF_8)));
    Faults f = s3.faults();
    assertEquals(List.of(1, 1, 0, 0, 0, 0),
        List.of(f.calls(Op.COPY), f.calls(Op.DELETE), f.calls(Op.HEAD), f.calls(Op.GET), f.calls(Op.PUT),
            f.calls(Op.LIST)),
        "a CopyObject is one COPY (its own metadata read is not a HEAD)");
  }

  /**
   * DeleteObjects must carry a checksum, and this SDK sends x-amz-checksum-crc32 even with
   * WHEN_REQUIRED (and with LegacyMd5Plugin); S3Proxy 2.6.0 refuses the unknown header with
   * 501 before the store is called. Against this server, delete one key at a time.
   */
  @Test
  void aBatchDeleteIsRefusedSoKeysAreDeletedOneByOne() {
    s3.put("rejected/a.csv", "a");
    Logger handler = (Logger) LoggerFactory.getLogger("org.gaul.s3proxy.S3ProxyHandler");
    Level level = handler.getLevel();
    handler.setLevel(Level.OFF); // it logs the refusal as an error
    try {
      S3Exception e = assertThrows(S3Exception.class, () -> noRetries.deleteObjects(b -> b.bucket(s3.bucket())
          .delete(d -> d.objects(ObjectIdentifier.builder().key("rejected/a.csv").build()))));
      assertEquals(501, e.statusCode());
    } finally {
      handler.setLevel(level);
    }
    assertTrue(s3.exists("rejected/a.csv"));
    assertEquals(0, s3.faults().calls(Op.DELETE));
  }

  @Test
  void theEtagOfASinglePartUploadIsTheHexMd5OfTheBody() {
    byte[] body = "id,status\nINC7,open\n".getBytes(StandardCharsets.UTF_8);

    String put = s3.client().putObject(b -> b.bucket(s3.bucket()).key("e.csv"), RequestBody.fromBytes(body)).eTag();
    String head = s3.client().headObject(b -> b.bucket(s3.bucket()).key("e.csv")).eTag();

    assertEquals("\"" + md5(body) + "\"", put, "the SDK returns the ETag quoted");
    assertEquals(put, head);
    assertEquals(md5(body), s3.etag("e.csv"));
  }

  @Test
  void aClientWithAWrongSecretIsRefusedBeforeTheStoreIsTouched() {
    s3.put(CHANGES + "a.csv", "x");
    try (S3Client wrong = s3.clientBuilder()
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(s3.accessKey(), "not-the-secret")))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build()) {
      S3Exception e = assertThrows(S3Exception.class, () -> read(wrong, CHANGES + "a.csv"));
      assertEquals(403, e.statusCode());
      assertEquals("SignatureDoesNotMatch", e.awsErrorDetails().errorCode());
      assertEquals(403, assertThrows(S3Exception.class,
          () -> wrong.deleteObject(b -> b.bucket(s3.bucket()).key(CHANGES + "a.csv"))).statusCode());
    }
    assertTrue(s3.exists(CHANGES + "a.csv"));
    assertEquals(0, s3.faults().calls(Op.GET) + s3.faults().calls(Op.DELETE));
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 503})
  void anInjectedFailureReachesTheClientWithItsStatusThenStops(int status) {
    s3.put(CHANGES + "a.csv", "id\n");
    s3.faults().fail(Op.GET, 2, status);

    for (int attempt = 1; attempt <= 2; attempt++) {
      S3Exception e = assertThrows(S3Exception.class, () -> read(noRetries, CHANGES + "a.csv"));
      assertEquals(status, e.statusCode(), "attempt " + attempt);
    }
    assertEquals("id\n", read(noRetries, CHANGES + "a.csv"));
    assertEquals(3, s3.faults().calls(Op.GET));
  }

  @Test
  void theSdkRetriesAnInjected503ByItself() {
    s3.put(CHANGES + "a.csv", "id\n");
    s3.faults().fail(Op.GET, 2, 503);

    assertEquals("id\n", read(s3.client(), CHANGES + "a.csv"));
    assertEquals(3, s3.faults().calls(Op.GET));
  }

  @Test
  void aFailureForSomeKeysLeavesTheOthersAlone() {
    s3.put(CHANGES + "good.csv", "g");
    s3.put(CHANGES + "bad.csv", "b");
    s3.faults().fail(Op.GET, "bad", 1, 500);

    assertEquals("g", read(noRetries, CHANGES + "good.csv"));
    assertEquals(500, assertThrows(S3Exception.class, () -> read(noRetries, CHANGES + "bad.csv")).statusCode());
    assertEquals("b", read(noRetries, CHANGES + "bad.csv"));
  }

  /** Each Op fails exactly the SDK call it names, and the store is left as it was. */
  @ParameterizedTest
  @EnumSource(Op.class)
  void eachOpIsTheS3RequestItNames(Op op) {
    s3.put("k/a.csv", "a");
    Map<Op, Consumer<S3Client>> requests = Map.of(
        Op.LIST, c -> c.listObjectsV2(b -> b.bucket(s3.bucket()).prefix("k/")),
        Op.GET, c -> c.getObjectAsBytes(b -> b.bucket(s3.bucket()).key("k/a.csv")),
        Op.HEAD, c -> c.headObject(b -> b.bucket(s3.bucket()).key("k/a.csv")),
        Op.PUT, c -> c.putObject(b -> b.bucket(s3.bucket()).key("k/b.csv"), RequestBody.fromString("b")),
        Op.COPY, c -> c.copyObject(b -> b.sourceBucket(s3.bucket()).sourceKey("k/a.csv")
            .destinationBucket(s3.bucket()).destinationKey("k/c.csv")),
        Op.DELETE, c -> c.deleteObject(b -> b.bucket(s3.bucket()).key("k/a.csv")));
    s3.faults().fail(op, "k/", 1, 503);

    S3Exception e = assertThrows(S3Exception.class, () -> requests.get(op).accept(noRetries));

    assertEquals(503, e.statusCode());
    assertEquals(List.of("k/a.csv"), s3.keys("k/"), "a failed request changes nothing");
    for (Op other : Op.values()) {
      assertEquals(other == op ? 1 : 0, s3.faults().calls(other), other.toString());
    }
    requests.get(op).accept(noRetries);
  }

  @Test
  void aHeldCopyWaitsInsideTheServerUntilReleased() throws Exception {
    s3.put(CHANGES + "a.csv", "id\n");
    Faults.Gate gate = s3.faults().hold(Op.COPY, "a.csv");

    CompletableFuture<Void> copy = CompletableFuture.runAsync(() -> s3.client().copyObject(b -> b
        .sourceBucket(s3.bucket()).sourceKey(CHANGES + "a.csv")
        .destinationBucket(s3.bucket()).destinationKey("processed/a.csv")));

    assertTrue(gate.awaitArrival(Duration.ofSeconds(5)), "the copy reached the gate");
    Thread.sleep(100);
    assertFalse(copy.isDone(), "the client is still waiting");
    assertFalse(s3.exists("processed/a.csv"), "nothing was copied yet");
    gate.release();
    copy.get(5, TimeUnit.SECONDS);
    assertTrue(s3.exists("processed/a.csv"));
  }

  @Test
  void clearReleasesAHeldRequest() throws Exception {
    s3.put(CHANGES + "a.csv", "id\n");
    Faults.Gate gate = s3.faults().hold(Op.GET, "a.csv");
    CompletableFuture<String> get = CompletableFuture.supplyAsync(() -> read(s3.client(), CHANGES + "a.csv"));
    assertTrue(gate.awaitArrival(Duration.ofSeconds(5)));

    s3.faults().clear();

    assertEquals("id\n", get.get(5, TimeUnit.SECONDS));
  }

  @Test
  void aGateDoesNotHoldOtherKeysOrOtherOps() throws Exception {
    s3.put(CHANGES + "a.csv", "a");
    Faults.Gate gate = s3.faults().hold(Op.COPY, "b.csv");

    s3.client().copyObject(b -> b.sourceBucket(s3.bucket()).sourceKey(CHANGES + "a.csv")
        .destinationBucket(s3.bucket()).destinationKey("processed/a.csv"));
    read(s3.client(), CHANGES + "a.csv");

    assertFalse(gate.awaitArrival(Duration.ZERO));
  }

  /** The runner's case: another process, configured by env(), killed while the server holds its request. */
  @Test
  void aProcessConfiguredByEnvIsHeldAtAGateAndKilledThere() throws Exception {
    s3.put(CHANGES + "a.csv", "id\n");
    Faults.Gate gate = s3.faults().hold(Op.GET, "a.csv");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"),
        GetFromEnv.class.getName(), CHANGES + "a.csv");
    pb.environment().putAll(s3.env());
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process child = pb.start();
    try {
      assertTrue(gate.awaitArrival(Duration.ofSeconds(20)), "the child's signed GET reached the store");
      child.destroyForcibly();
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    } finally {
      child.destroyForcibly();
      gate.release();
    }
    assertEquals("id\n", read(s3.client(), CHANGES + "a.csv"), "the server outlives its killed client");
  }

  /** Reads one object with the settings a runner gets from its environment. */
  static final class GetFromEnv {
    public static void main(String[] args) {
      Map<String, String> env = System.getenv();
      try (S3Client c = S3Client.builder()
          .endpointOverride(URI.create(env.get("RUSTFS_ENDPOINT")))
          .forcePathStyle(true)
          .region(Region.of(env.get("RUSTFS_REGION")))
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
              env.get("RUSTFS_ACCESS_KEY_ID"), env.get("RUSTFS_SECRET_ACCESS_KEY"))))
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .build()) {
        System.out.print(c.getObjectAsBytes(b -> b.bucket(env.get("RUSTFS_BUCKET")).key(args[0])).asUtf8String());
      }
    }
  }

  /** The body arrives over time, in pieces of Jetty's 32 KiB output buffer: a reader can be stopped midway. */
  @Test
  void aThrottledGetTakesAboutItsSizeOverTheRate() throws Exception {
    byte[] body = new byte[64 * 1024];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    s3.put(CHANGES + "big.csv", body);
    s3.faults().throttleGets(128 * 1024); // 64 KiB at 128 KiB/s: half at 0.25 s, all at 0.5 s

    ByteArrayOutputStream read = new ByteArrayOutputStream();
    long start = System.nanoTime();
    long firstByte;
    try (InputStream in = s3.client().getObject(b -> b.bucket(s3.bucket()).key(CHANGES + "big.csv"))) {
      read.write(in.read());
      firstByte = System.nanoTime();
      in.transferTo(read);
    }
    long end = System.nanoTime();

    assertArrayEquals(body, read.toByteArray());
    long total = TimeUnit.NANOSECONDS.toMillis(end - start);
    long rest = TimeUnit.NANOSECONDS.toMillis(end - firstByte);
    assertTrue(total >= 400, "took " + total + " ms");
    assertTrue(rest >= 100, "the rest came " + rest + " ms after the first byte");
  }

  @Test
  void zeroByteObjectsAreStoredReadCopiedAndListed() {
    S3Client c = s3.client();
    String put = c.putObject(b -> b.bucket(s3.bucket()).key(CHANGES + "empty.csv"), RequestBody.empty()).eTag();
    s3.put(CHANGES + "empty2.csv", new byte[0]);

    assertEquals("\"d41d8cd98f00b204e9800998ecf8427e\"", put, "the MD5 of nothing");
    assertEquals("", read(c, CHANGES + "empty.csv"));
    assertEquals("", read(c, CHANGES + "empty2.csv"), "also when put through the store");
    assertEquals(0L, c.headObject(b -> b.bucket(s3.bucket()).key(CHANGES + "empty.csv")).contentLength());
    c.copyObject(b -> b.sourceBucket(s3.bucket()).sourceKey(CHANGES + "empty.csv")
        .destinationBucket(s3.bucket()).destinationKey("processed/empty.csv"));
    assertEquals(0, s3.get("processed/empty.csv").length);
    assertEquals(List.of(0L, 0L), c.listObjectsV2(b -> b.bucket(s3.bucket()).prefix(CHANGES)).contents().stream()
        .map(S3Object::size).toList());
  }

  private static String read(S3Client client, String key) {
    return client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key)).asUtf8String();
  }

  private static void assertInByteOrder(List<String> keys) {
    for (int i = 1; i < keys.size(); i++) {
      byte[] a = keys.get(i - 1).getBytes(StandardCharsets.UTF_8);
      byte[] b = keys.get(i).getBytes(StandardCharsets.UTF_8);
      assertTrue(Arrays.compareUnsigned(a, b) < 0, "not in byte order: " + keys.get(i - 1) + ", " + keys.get(i));
    }
  }

  private static String md5(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
