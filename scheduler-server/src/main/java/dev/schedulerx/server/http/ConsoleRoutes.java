package dev.schedulerx.server.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web console: a few static files (HTML, vanilla JS, CSS) from the classpath folder {@code console/},
 * served under {@code /console/} without a token. The pages call the JSON API under {@code /api/v1}, which
 * asks for the token itself.
 */
final class ConsoleRoutes {
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8",
      "workflows.js", "text/javascript; charset=utf-8",
      "console.css", "text/css; charset=utf-8");

  // Read once: a fixed list, so no request path ever reaches the class loader.
  private final Map<String, byte[]> contents = new LinkedHashMap<>();

  ConsoleRoutes() {
    for (String name : FILES.keySet()) {
      contents.put(name, read("console/" + name));
    }
  }

  void register(Javalin app) {
    app.get("/", ctx -> ctx.redirect("/console/", HttpStatus.FOUND));
    // Javalin matches "/console" and "/console/" alike; the pages' relative links need the slash.
    app.get("/console", ctx -> {
      if (ctx.path().endsWith("/")) {
        serve(ctx, "index.html");
      } else {
        ctx.redirect("/console/", HttpStatus.FOUND);
      }
    });
    app.get("/console/{file}", ctx -> serve(ctx, ctx.pathParam("file")));
  }

  private void serve(Context ctx, String name) {
    byte[] body = contents.get(name);
    if (body == null) {
      ctx.status(HttpStatus.NOT_FOUND).contentType("text/plain; charset=utf-8").result("no console file " + name);
      return;
    }
    ctx.contentType(FILES.get(name)).header("Cache-Control", "no-cache").result(body);
  }

  private static byte[] read(String resource) {
    try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("console resource " + resource + " missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
