package dev.schedulerx.common.config;

/** A configuration problem a user must fix: its message is the one line the CLI prints (exit code 2). */
public final class ConfigError extends RuntimeException {
  public ConfigError(String message) {
    super(message, null, false, false);
  }
}
