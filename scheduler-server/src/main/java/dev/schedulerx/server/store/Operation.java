package dev.schedulerx.server.store;

import java.time.Instant;

/**
 * One entry of the audit trail: who ({@code operator}) did what ({@code operateType}: create, update, delete,
 * enable, disable, run, kill, retry, …) to which object ({@code objectType} job, group, namespace, instance,
 * workflow; {@code objectId}), through which front door ({@code source}: openapi, rest, console, config), with
 * the object's JSON before and after (empty when there is none).
 */
public record Operation(
    long id,
    Instant time,
    String operator,
    String groupId,
    String operateType,
    String objectType,
    String objectId,
    String objectOld,
    String objectLatest,
    String source) {}
