package dev.schedulerx.server.group;

import dev.schedulerx.server.group.AppGroups;

/** Decides whether a worker may join a group: the group must exist and the app key must match. */
public final class GroupGuard {
  private final AppGroups groups;

  public GroupGuard(AppGroups groups) {
    this.groups = groups;
  }

  /** Null when allowed, otherwise one line saying why not. */
  public String refusal(String groupId, String appKey) {
    return groups.refusal(groupId, appKey);
  }

  /** As {@link #refusal}, without waiting for the store: for actors (heartbeats). */
  public String refusalFromMemory(String groupId, String appKey) {
    return groups.refusalFromMemory(groupId, appKey);
  }

  /** The numeric id SchedulerX calls app_group_id. */
  public long appGroupId(String groupId) {
    return groups.appGroupId(groupId);
  }
}
