package dev.schedulerx.common.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Optional TLS for self-hosted setups, shared by the server and the daemon: HTTPS for discovery and the
 * APIs, and Pekko's classic SSL transport ({@code akka.ssl.tcp}) for remoting. SchedulerX cloud uses neither.
 *
 * @param http serve (server) or use (daemon, CLI) HTTPS
 * @param remoting speak {@code akka.ssl.tcp} instead of {@code akka.tcp}; every server and daemon of a cluster must agree
 * @param keyStore PKCS12 or JKS file with this node's key and certificate (HTTPS server side, and remoting)
 * @param keyStorePassword its password (also the key's)
 * @param trustStore certificates to trust (HTTPS client side, and remoting); empty = the JDK's default trust
 * @param trustStorePassword its password
 */
public record TlsSettings(
    boolean http, boolean remoting, String keyStore, String keyStorePassword, String trustStore, String trustStorePassword) {

  public static final TlsSettings OFF = new TlsSettings(false, false, "", "", "", "");

  public TlsSettings {
    keyStore = Objects.requireNonNullElse(keyStore, "");
    keyStorePassword = Objects.requireNonNullElse(keyStorePassword, "");
    trustStore = Objects.requireNonNullElse(trustStore, "");
    trustStorePassword = Objects.requireNonNullElse(trustStorePassword, "");
  }

  /** {@code https} or {@code http}. */
  public String httpScheme() {
    return http ? "https" : "http";
  }

  /**
   * The context an HTTP client uses: trusts {@link #trustStore} when given, else the JDK's defaults.
   *
   * @throws IllegalStateException naming the file when it cannot be read
   */
  public SSLContext clientContext() {
    try {
      if (trustStore.isEmpty()) {
        return SSLContext.getDefault();
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(load(trustStore, trustStorePassword));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS trust store " + trustStore + " unusable: " + e.getMessage(), e);
    }
  }

  /** Reads a key or trust store (PKCS12 or JKS, told apart by the JDK). */
  public static KeyStore load(String file, String password) {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(in, password.toCharArray());
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read TLS store " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "TlsSettings[http=" + http + ", remoting=" + remoting + ", keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
  }
}
