// The far bucket of make bench (scripts/bench, part "ingest", the bucket drain): a TCP
// proxy on 127.0.0.1 in front of S3Proxy that holds every byte a client sends for DELAY_MS
// before it passes it on; answers go back at once. Each request thus reaches the server
// DELAY_MS late, as over a link with that round trip, on a connection kept alive or a new
// one (a connection itself is accepted at once: its handshake is not delayed, so a far
// bucket's new connections cost more than this shows). Needs nothing but the JDK:
//   java -cp DIR DelayProxy TARGET_HOST:PORT DELAY_MS PORT_FILE
// (the bench compiles it once first). Writes the port it listens on to PORT_FILE, then
// serves until it is killed.
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

public class DelayProxy {
  /** Bytes a client sent, and when they may go on; no bytes: the client is done sending. */
  record Held(long due, byte[] bytes) {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: DelayProxy TARGET_HOST:PORT DELAY_MS PORT_FILE");
      System.exit(2);
    }
    int colon = args[0].lastIndexOf(':');
    String host = args[0].substring(0, colon);
    int port = Integer.parseInt(args[0].substring(colon + 1));
    long delay = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[1]));
    try (ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress())) {
      Path portFile = Path.of(args[2]);
      Path partial = Path.of(args[2] + ".part");
      Files.writeString(partial, server.getLocalPort() + "\n", StandardCharsets.US_ASCII);
      Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE);
      while (true) {
        Socket client = server.accept();
        start(() -> serve(client, host, port, delay));
      }
    }
  }

  static void serve(Socket client, String host, int port, long delay) {
    try (client; Socket upstream = new Socket(host, port)) {
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      BlockingQueue<Held> held = new LinkedBlockingQueue<>();
      start(() -> hold(client, held, delay));
      start(() -> pass(held, upstream));
      try {
        copy(upstream.getInputStream(), client.getOutputStream());  // answers, at once
        client.shutdownOutput();
      } catch (IOException e) {
        // the server or the client closed the connection: it ends here
      }
    } catch (IOException e) {
      // the server refused the connection: the client sees it closed
    }
  }

  /** Reads what the client sends, stamped with the time it may go on. */
  static void hold(Socket client, BlockingQueue<Held> held, long delay) {
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = client.getInputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        held.add(new Held(System.nanoTime() + delay, Arrays.copyOf(buffer, n)));
      }
    } catch (IOException e) {
      // the connection was closed
    } finally {
      held.add(new Held(0, null));
    }
  }

  /** Passes on what the client sent, each piece once its time has come, in order. */
  static void pass(BlockingQueue<Held> held, Socket upstream) {
    try {
      OutputStream out = upstream.getOutputStream();
      for (Held h = held.take(); h.bytes() != null; h = held.take()) {
        long wait = h.due() - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        out.write(h.bytes());
        out.flush();
      }
      upstream.shutdownOutput();
    } catch (IOException | InterruptedException e) {
      // the connection was closed
    }
  }

  static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[1 << 16];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      out.write(buffer, 0, n);
      out.flush();
    }
  }

  static void start(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
  }
}
