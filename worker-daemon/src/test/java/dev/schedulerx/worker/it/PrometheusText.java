package dev.schedulerx.worker.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Scrapes a /metrics endpoint over HTTP and reads the Prometheus text format as series → value. */
final class PrometheusText {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private PrometheusText() {}

  /** GET {@code url}; the status code and body. */
  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Series (name with its labels, as printed) → value, for every sample line. */
  static Map<String, Double> scrape(String url) throws Exception {
    HttpResponse<String> response = get(url);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + response.statusCode());
    }
    if (!response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain")) {
      throw new IllegalStateException(url + " is not Prometheus text: " + response.headers().firstValue("Content-Type"));
    }
    Map<String, Double> series = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return series;
  }
}
