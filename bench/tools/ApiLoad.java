import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load client of bench/api-throughput.sh, run by the java source launcher: CLIENTS threads, each with its own
 * keep-alive HTTP/1.1 connection, POST {url} back to back for SECONDS, then it prints "sent ok errors ms".
 *   java ApiLoad.java URL CLIENTS SECONDS
 */
public final class ApiLoad {
  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    int clients = Integer.parseInt(args[1]);
    long until = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[2])).toNanos();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    String firstError[] = new String[1];
    Thread[] threads = new Thread[clients];
    long start = System.nanoTime();
    for (int t = 0; t < clients; t++) {
      threads[t] = new Thread(() -> {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest run = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        while (System.nanoTime() < until) {
          try {
            HttpResponse<String> r = http.send(run, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              ok.incrementAndGet();
            } else {
              errors.incrementAndGet();
              firstError[0] = r.statusCode() + " " + r.body();
            }
          } catch (Exception e) {
            errors.incrementAndGet();
            firstError[0] = e.toString();
          }
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println((ok.get() + errors.get()) + " " + ok.get() + " " + errors.get() + " " + ms);
    if (firstError[0] != null) {
      System.err.println("first error: " + firstError[0]);
    }
  }
}
