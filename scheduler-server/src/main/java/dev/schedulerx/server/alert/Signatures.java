package dev.schedulerx.server.alert;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The signing schemes of the webhook targets (WORKFLOWS-ALERTING.md §3.3). */
final class Signatures {
  private Signatures() {}

  /** DingTalk: Base64(HmacSHA256(key = secret, data = millis + "\n" + secret)), URL-encoded for the query. */
  static String dingTalk(long timestampMillis, String secret) {
    byte[] mac = hmac(secret.getBytes(StandardCharsets.UTF_8), (timestampMillis + "\n" + secret).getBytes(StandardCharsets.UTF_8));
    return URLEncoder.encode(Base64.getEncoder().encodeToString(mac), StandardCharsets.UTF_8);
  }

  /** Lark/Feishu: Base64(HmacSHA256(key = seconds + "\n" + secret, data = empty)), sent in the body. */
  static String lark(long timestampSeconds, String secret) {
    byte[] mac = hmac((timestampSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]);
    return Base64.getEncoder().encodeToString(mac);
  }

  /** Generic webhook: hex(HmacSHA256(key = secret, data = seconds + "." + body)). */
  static String webhook(long timestampSeconds, String body, String secret) {
    byte[] mac = hmac(secret.getBytes(StandardCharsets.UTF_8), (timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(mac);
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
