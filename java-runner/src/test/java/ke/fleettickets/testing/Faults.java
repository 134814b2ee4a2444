package ke.fleettickets.testing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;
import org.jclouds.io.Payload;
import org.jclouds.io.Payloads;

/**
 * Faults injected inside the S3 server of a {@link TestS3}: the blob store S3Proxy serves is
 * wrapped, so a fault happens after S3Proxy has checked the request's signature and the
 * client sees what a real server would send.
 *
 * <p>Per request, in this order: the call is counted, waits at a matching {@link Gate},
 * fails if a matching failure is armed, then reaches the store. A failed call changes
 * nothing in the store. Multipart uploads are not modelled (the runner never starts one).
 */
public final class Faults {

  /**
   * S3 requests, by the blob store call S3Proxy 2.6.0 makes for them: ListObjects(V2) →
   * {@code list(container, options)}; GetObject → {@code getBlob}; HeadObject →
   * {@code blobMetadata}; PutObject → {@code putBlob}; CopyObject → {@code copyBlob} (its
   * follow-up {@code blobMetadata} on the destination is part of the COPY, not a HEAD);
   * DeleteObject → {@code removeBlob}, DeleteObjects → {@code removeBlobs} (one call).
   */
  public enum Op { LIST, GET, PUT, COPY, DELETE, HEAD }

  /** Holds matching calls inside the server until {@link #release()}. */
  public static final class Gate {
    private final Op op;
    private final String keyContains;
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    private Gate(Op op, String keyContains) {
      this.op = op;
      this.keyContains = keyContains;
    }

    /** True once a call is waiting here (or has waited and been released). */
    public boolean awaitArrival(Duration timeout) throws InterruptedException {
      return arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets the waiting calls and every later one through. */
    public void release() {
      released.countDown();
    }

    private boolean isOpen() {
      return released.getCount() == 0;
    }

    private void pass() {
      arrived.countDown();
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while held at a gate", e);
      }
    }
  }

  private static final class Failure {
    final Op op;
    final String keyContains;
    final int status;
    int remaining;

    Failure(Op op, String keyContains, int times, int status) {
      this.op = op;
      this.keyContains = keyContains;
      this.remaining = times;
      this.status = status;
    }
  }

  private final Map<Op, AtomicInteger> calls = new EnumMap<>(Op.class);
  private final List<Failure> failures = new ArrayList<>();
  private final List<Gate> gates = new ArrayList<>();
  private volatile int getBytesPerSecond;

  /** The destination of a copy on this server thread: S3Proxy reads its metadata next. */
  private final ThreadLocal<String> copiedTo = new ThreadLocal<>();

  Faults() {
    for (Op op : Op.values()) {
      calls.put(op, new AtomicInteger());
    }
  }

  /**
   * The next {@code times} calls of {@code op} answer {@code httpStatus}, with an empty body:
   * the SDK sees the status but no S3 error code, so it retries a 500 or 503 by its status
   * yet does not take a 503 for throttling as it would a real SlowDown. (S3Proxy turns 400,
   * 412, 416 and 422 into its own BadDigest, PreconditionFailed and InvalidRange errors.)
   */
  public void fail(Op op, int times, int httpStatus) {
    fail(op, "", times, httpStatus);
  }

  /**
   * As {@link #fail(Op, int, int)}, for calls on a key containing {@code keyContains} only.
   * For LIST the key is the listed prefix; for COPY it is either key.
   */
  public synchronized void fail(Op op, String keyContains, int times, int httpStatus) {
    if (times < 1 || httpStatus < 400 || httpStatus > 599) {
      throw new IllegalArgumentException("times must be positive and httpStatus 400-599");
    }
    failures.add(new Failure(op, keyContains, times, httpStatus));
  }

  /** Matching calls wait inside the server until the gate is released (or {@link #clear()}). */
  public synchronized Gate hold(Op op, String keyContains) {
    Gate gate = new Gate(op, keyContains);
    gates.add(gate);
    return gate;
  }

  /**
   * GetObject bodies from now on are sent at about this rate; 0 sends them at full speed.
   * Jetty's 32 KiB output buffer still groups them: a client gets nothing for 32 KiB / rate,
   * then one 32 KiB piece at a time, so a body to be cut midway needs at least two pieces.
   */
  public void throttleGets(int bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must not be negative");
    }
    getBytesPerSecond = bytesPerSecond;
  }

  /** Whether a failure is still armed for {@code op} (not yet spent by enough calls). */
  public synchronized boolean armed(Op op) {
    return failures.stream().anyMatch(f -> f.op == op && f.remaining > 0);
  }

  /** Calls of {@code op} the server received, failed and held ones included. */
  public int calls(Op op) {
    return calls.get(op).get();
  }

  /** Removes every failure and the throttle, and releases every gate. Counts are kept. */
  public synchronized void clear() {
    failures.clear();
    gates.forEach(Gate::release);
    gates.clear();
    getBytesPerSecond = 0;
  }

  synchronized void resetCounts() {
    calls.values().forEach(c -> c.set(0));
  }

  BlobStore wrap(BlobStore store) {
    return new FaultyBlobStore(store);
  }

  private void arrive(Op op, String... keys) {
    calls.get(op).incrementAndGet();
    List<Gate> waitAt;
    synchronized (this) {
      gates.removeIf(Gate::isOpen);
      waitAt = gates.stream().filter(g -> g.op == op && matches(g.keyContains, keys)).toList();
    }
    waitAt.forEach(Gate::pass);
    int status = 0;
    synchronized (this) {
      for (Failure f : failures) {
        if (f.op == op && f.remaining > 0 && matches(f.keyContains, keys)) {
          f.remaining--;
          status = f.status;
          break;
        }
      }
      failures.removeIf(f -> f.remaining == 0);
    }
    if (status != 0) {
      // S3ProxyHandlerJetty answers an HttpResponseException with its status (empty body)
      throw new HttpResponseException("injected fault: " + op + " answers " + status, null,
          HttpResponse.builder().statusCode(status).build());
    }
  }

  private static boolean matches(String keyContains, String... keys) {
    for (String key : keys) {
      if (key != null && key.contains(keyContains)) {
        return true;
      }
    }
    return false;
  }

  private final class FaultyBlobStore extends ForwardingBlobStore {
    FaultyBlobStore(BlobStore store) {
      super(store);
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container) {
      return list(container, ListContainerOptions.NONE);
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
      copiedTo.remove();
      String prefix = options.getPrefix() != null ? options.getPrefix() : options.getDir();
      arrive(Op.LIST, prefix == null ? "" : prefix);
      return super.list(container, options);
    }

    @Override
    public Blob getBlob(String container, String name) {
      return getBlob(container, name, GetOptions.NONE);
    }

    @Override
    public Blob getBlob(String container, String name, GetOptions options) {
      copiedTo.remove();
      arrive(Op.GET, name);
      Blob blob = super.getBlob(container, name, options);
      int rate = getBytesPerSecond;
      if (blob != null && rate > 0) {
        Payload slow = Payloads.newInputStreamPayload(throttled(blob.getPayload(), rate));
        slow.setContentMetadata(blob.getPayload().getContentMetadata());
        blob.setPayload(slow);
      }
      return blob;
    }

    @Override
    public BlobMetadata blobMetadata(String container, String name) {
      String copied = copiedTo.get();
      copiedTo.remove();
      if (!(container + "/" + name).equals(copied)) {
        arrive(Op.HEAD, name);
      }
      return super.blobMetadata(container, name);
    }

    @Override
    public String putBlob(String container, Blob blob) {
      return putBlob(container, blob, PutOptions.NONE);
    }

    @Override
    public String putBlob(String container, Blob blob, PutOptions options) {
      copiedTo.remove();
      arrive(Op.PUT, blob.getMetadata().getName());
      return super.putBlob(container, blob, options);
    }

    @Override
    public String copyBlob(String fromContainer, String fromName, String toContainer, String toName,
        CopyOptions options) {
      copiedTo.remove();
      arrive(Op.COPY, fromName, toName);
      String etag = super.copyBlob(fromContainer, fromName, toContainer, toName, options);
      copiedTo.set(toContainer + "/" + toName);
      return etag;
    }

    @Override
    public void removeBlob(String container, String name) {
      copiedTo.remove();
      arrive(Op.DELETE, name);
      super.removeBlob(container, name);
    }

    @Override
    public void removeBlobs(String container, Iterable<String> names) {
      copiedTo.remove();
      arrive(Op.DELETE, StreamSupport.stream(names.spliterator(), false).toArray(String[]::new));
      super.removeBlobs(container, names);
    }
  }

  private static InputStream throttled(Payload payload, int bytesPerSecond) {
    try {
      return new ThrottledStream(payload.openStream(), bytesPerSecond);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the stored object", e);
    }
  }

  /** Hands out bytes no faster than the rate: the n-th byte not before n / rate seconds. */
  private static final class ThrottledStream extends FilterInputStream {
    private final int bytesPerSecond;
    private final int chunk;
    private final long start = System.nanoTime();
    private long sent;

    ThrottledStream(InputStream in, int bytesPerSecond) {
      super(in);
      this.bytesPerSecond = bytesPerSecond;
      this.chunk = Math.max(1, bytesPerSecond / 20); // about 20 writes a second
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, Math.min(len, chunk));
      if (n > 0) {
        sent += n;
        long due = start + sent * 1_000_000_000L / bytesPerSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(wait);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("throttled read interrupted");
          }
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      int len = (int) Math.min(Math.max(n, 0), chunk);
      return Math.max(0, read(new byte[len], 0, len));
    }
  }
}
