package dev.schedulerx.server.store;

import java.util.regex.Pattern;

/** Keeps passwords out of messages: JDBC URLs may carry them as parameters or as URL user info. */
public final class JdbcUrls {
  private static final String MASK = "***";
  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("(?i)((?:password|passwd|pwd)\\s*=)[^&;]*");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?;]*:)[^/@?;]*@");

  private JdbcUrls() {}

  /** The URL with password parameters and user-info passwords replaced by {@code ***}. */
  public static String redact(String jdbcUrl) {
    String redacted = PASSWORD_PARAMETER.matcher(jdbcUrl).replaceAll("$1" + MASK);
    return USER_INFO.matcher(redacted).replaceAll("$1" + MASK + "@");
  }

  /** Redacts {@code text} as a URL and also removes any literal occurrence of {@code password}. */
  static String redact(String text, String password) {
    String redacted = redact(text);
    return password == null || password.isEmpty() ? redacted : redacted.replace(password, MASK);
  }
}
