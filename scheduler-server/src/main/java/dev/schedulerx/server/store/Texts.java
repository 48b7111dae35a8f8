package dev.schedulerx.server.store;

/**
 * Length checks and truncation for text columns, done in Java so every database behaves the same.
 */
final class Texts {
  private Texts() {}

  /** {@code value} or {@code ""} for null. */
  static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  /**
   * @throws IllegalArgumentException naming the field when the length is outside {@code [min, max]}
   *     or the text holds a NUL character, which PostgreSQL cannot store in a text column
   */
  static String requireLength(String field, String value, int min, int max) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(field + " must not contain the NUL character (U+0000)");
    }
    if (value.length() < min) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    if (value.length() > max) {
      throw new IllegalArgumentException(
          field + " is " + value.length() + " characters long, at most " + max + " are allowed");
    }
    return value;
  }

  /**
   * Text a worker produced (results, progress), made storable on every database: NUL (U+0000),
   * which PostgreSQL refuses in text columns, becomes U+FFFD. Refusing it instead would leave the
   * instance unfinished. Null stays null.
   */
  static String storable(String value) {
    return value == null || value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
  }

  /** At most {@code max} characters, never splitting a surrogate pair; null stays null. */
  static String truncate(String value, int max) {
    if (value == null || value.length() <= max) {
      return value;
    }
    int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
    return value.substring(0, end);
  }
}
