package dev.schedulerx.server.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code openapi-signature} of SEMANTICS.md §4.3: HMAC-SHA1 keyed by the group's app key over {@code
 * groupId + timestamp}, Base64-encoded with every {@code +}, {@code /} and {@code =} removed. The Java SDK
 * encodes the raw 20-byte digest, the Go SDK the lowercase hex text of it; both are accepted.
 */
public final class OpenApiSignature {
  private OpenApiSignature() {}

  /** The Java SDK's signature. */
  public static String javaStyle(String appKey, String groupId, String timestamp) {
    return strip(Base64.getEncoder().encodeToString(hmac(appKey, groupId + timestamp)));
  }

  /** The Go SDK's signature. */
  public static String goStyle(String appKey, String groupId, String timestamp) {
    String hex = HexFormat.of().formatHex(hmac(appKey, groupId + timestamp));
    return strip(Base64.getEncoder().encodeToString(hex.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Whether {@code signature} is either encoding; both comparisons always run, each in constant time. */
  public static boolean matches(String appKey, String groupId, String timestamp, String signature) {
    byte[] given = signature.getBytes(StandardCharsets.UTF_8);
    boolean java = MessageDigest.isEqual(javaStyle(appKey, groupId, timestamp).getBytes(StandardCharsets.UTF_8), given);
    boolean go = MessageDigest.isEqual(goStyle(appKey, groupId, timestamp).getBytes(StandardCharsets.UTF_8), given);
    return java | go;
  }

  private static byte[] hmac(String key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }

  private static String strip(String base64) {
    return base64.replace("+", "").replace("/", "").replace("=", "");
  }
}
