package dev.schedulerx.server.http;

import dev.schedulerx.common.tls.TlsSettings;
import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Replaces Javalin's plain HTTP connector by a TLS one on the same host and port, when TLS is on for HTTP. */
final class HttpsConnector {
  private HttpsConnector() {}

  static void configure(JavalinConfig config, TlsSettings tls, String host, int port) {
    if (!tls.http()) {
      return;
    }
    config.jetty.addConnector((server, httpConfig) -> {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(tls.keyStore());
      ssl.setKeyStorePassword(tls.keyStorePassword());
      ssl.setKeyManagerPassword(tls.keyStorePassword());
      HttpConfiguration https = new HttpConfiguration(httpConfig);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      // Clients reach nodes by IP as often as by name; the certificate check is the client's business.
      secure.setSniHostCheck(false);
      https.addCustomizer(secure);
      ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(https));
      connector.setHost(host);
      connector.setPort(port);
      return connector;
    });
  }
}
