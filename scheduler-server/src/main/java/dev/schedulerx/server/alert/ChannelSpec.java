package dev.schedulerx.server.alert;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * A channel as {@code PUT /api/v1/alert-channels/{name}} takes it (and as it is stored): the keys of a
 * {@code channels} entry in server.conf, camel-cased. Secrets come in here and never go out.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
record ChannelSpec(
    String type,
    String url,
    String secret,
    String keyword,
    Boolean atAll,
    List<String> atMobiles,
    List<String> to,
    Integer rateLimit,
    Long rateWindowSeconds,
    List<String> silence,
    String zone) {

  /** Validates and converts; IllegalArgumentException naming the field. */
  ChannelSettings toSettings(String name) {
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new IllegalArgumentException("channel name \"" + name + "\" is invalid: letters, digits, _ . - (at most 64)");
    }
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("type is required: one of " + String.join(", ", ChannelSettings.TYPES));
    }
    ZoneId z;
    try {
      z = zone == null || zone.isBlank() ? null : ZoneId.of(zone);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("zone \"" + zone + "\" is invalid: expected a region such as Asia/Shanghai");
    }
    String t = type.trim().toLowerCase(java.util.Locale.ROOT);
    return new ChannelSettings(name, t, url, secret, keyword, atAll != null && atAll, atMobiles, to,
        rateLimit == null ? ChannelSettings.defaultRateLimit(t) : rateLimit,
        rateWindowSeconds == null ? null : Duration.ofSeconds(rateWindowSeconds),
        silence == null ? List.of() : silence.stream().map(ChannelSettings.Silence::parse).toList(), z);
  }
}
