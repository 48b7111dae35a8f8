package dev.schedulerx.server.remote;

import dev.schedulerx.server.ServerSettings;
import dev.schedulerx.server.ServerSettings.AppGroup;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Decides whether a worker may join a group: the group must exist and the app key must match. */
public final class GroupGuard {
  private final ServerSettings settings;

  public GroupGuard(ServerSettings settings) {
    this.settings = settings;
  }

  /** Null when allowed, otherwise one line saying why not. */
  public String refusal(String groupId, String appKey) {
    Optional<AppGroup> group = settings.group(groupId);
    if (group.isEmpty()) {
      return "group " + groupId + " is not configured on this server";
    }
    if (!constantTimeEquals(group.get().appKey(), appKey == null ? "" : appKey)) {
      return "wrong appKey for group " + groupId;
    }
    return null;
  }

  /** The numeric id SchedulerX calls app_group_id: stable as long as the configured group list is. */
  public long appGroupId(String groupId) {
    for (int i = 0; i < settings.groups().size(); i++) {
      if (settings.groups().get(i).groupId().equals(groupId)) {
        return i + 1L;
      }
    }
    return 0L;
  }

  private static boolean constantTimeEquals(String expected, String actual) {
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
  }
}
