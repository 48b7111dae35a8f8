package dev.schedulerx.server.group;

import dev.schedulerx.server.config.ServerSettings;
import dev.schedulerx.server.store.AppGroup;
import dev.schedulerx.server.store.AppGroupRepository;
import dev.schedulerx.server.store.Namespace;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app groups workers join and OpenAPI callers sign with, kept in the store and read from memory. On request
 * threads ({@link #find}, {@link #refusal}) a lookup that misses, or whose key does not match, asks the store again:
 * a group created or a key rotated on any server node takes effect at once. Actors use {@link
 * #refusalFromMemory}, which never blocks on the store: a miss or a stale list is re-read in the background, so a
 * change made on another node reaches the heartbeat path within the refresh interval. The whole list is re-read
 * when older than that interval, so deletions elsewhere are seen too.
 */
public final class AppGroups {
  private static final Logger log = LoggerFactory.getLogger(AppGroups.class);

  /** The namespace that always exists, as in SchedulerX. */
  public static final String DEFAULT_NAMESPACE = "default";

  private final AppGroupRepository store;
  private final Clock clock;
  private final long refreshMillis;
  private final Map<String, AppGroup> byId = new ConcurrentHashMap<>();
  private volatile long loadedAt = Long.MIN_VALUE;
  private final java.util.concurrent.Executor background;
  private final java.util.concurrent.atomic.AtomicBoolean reloading = new java.util.concurrent.atomic.AtomicBoolean();

  /** Re-reads on the caller's thread only; for tests and tools. */
  public AppGroups(AppGroupRepository store, Clock clock, Duration refresh) {
    this(store, clock, refresh, Runnable::run);
  }

  /** @param background where reads for {@link #refusalFromMemory} run: a store executor, never an actor's */
  public AppGroups(AppGroupRepository store, Clock clock, Duration refresh, java.util.concurrent.Executor background) {
    this.store = store;
    this.clock = clock;
    this.refreshMillis = refresh.toMillis();
    this.background = background;
  }

  /**
   * Makes the configured groups (and their namespaces) exist as configured: missing ones are created, and a
   * configured app key wins over a stored one, as the config is what the operator declared for this server.
   * Groups created through the API are left alone.
   */
  public void seed(List<ServerSettings.AppGroup> configured) {
    ensureNamespace(DEFAULT_NAMESPACE); // where groups go when a caller names none
    for (ServerSettings.AppGroup c : configured) {
      ensureNamespace(c.namespace());
      Optional<AppGroup> stored = store.find(c.groupId());
      if (stored.isEmpty()) {
        try {
          store.insert(AppGroup.configured(c.namespace(), c.groupId(), c.appKey()), clock.instant());
          log.info("app group {} (namespace {}) created from the server config", c.groupId(), c.namespace());
        } catch (dev.schedulerx.server.store.StoreConflictException raced) {
          // another node seeded it first
        }
      } else if (!stored.get().appKey().equals(c.appKey()) || !stored.get().namespace().equals(c.namespace())) {
        AppGroup g = stored.get();
        store.update(new AppGroup(g.id(), g.groupId(), c.namespace(), g.appName(), c.appKey(), g.description(),
            g.maxJobs(), g.maxConcurrency(), g.monitorConfig(), g.contact(), g.alarmJson(), g.metricsThresholdJson()),
            clock.instant());
        log.info("app group {}: app key and namespace taken from the server config", c.groupId());
      }
    }
    reloadAll();
  }

  private void ensureNamespace(String uid) {
    if (store.namespace(uid).isEmpty()) {
      try {
        store.insertNamespace(new Namespace(uid, uid, "", "config"), clock.instant());
      } catch (dev.schedulerx.server.store.StoreConflictException raced) {
        // another node seeded it first
      }
    }
  }

  /** The group, from memory; a miss asks the store. */
  public Optional<AppGroup> find(String groupId) {
    if (groupId == null || groupId.isBlank()) {
      return Optional.empty();
    }
    refreshIfStale();
    AppGroup cached = byId.get(groupId);
    return cached != null ? Optional.of(cached) : reload(groupId);
  }

  /** The group as the store has it now (and remembers that). */
  public Optional<AppGroup> reload(String groupId) {
    Optional<AppGroup> stored = store.find(groupId);
    stored.ifPresentOrElse(g -> byId.put(groupId, g), () -> byId.remove(groupId));
    return stored;
  }

  /** Every group, oldest first. */
  public List<AppGroup> all() {
    refreshIfStale();
    return byId.values().stream().sorted(Comparator.comparingLong(AppGroup::id)).toList();
  }

  /** Null when a worker may join {@code groupId} with {@code appKey}, otherwise one line saying why not. */
  public String refusal(String groupId, String appKey) {
    Optional<AppGroup> group = find(groupId);
    if (group.isEmpty()) {
      return "group " + groupId + " is not known to this server";
    }
    String given = appKey == null ? "" : appKey;
    if (!keyMatches(group.get(), given) && !reload(groupId).filter(g -> keyMatches(g, given)).isPresent()) {
      return "wrong appKey for group " + groupId;
    }
    return null;
  }

  /**
   * As {@link #refusal}, from memory only: for actors, which must not wait for the store. A miss, a key that does
   * not match or a stale list has the store re-read in the background, for the next call.
   */
  public String refusalFromMemory(String groupId, String appKey) {
    AppGroup group = groupId == null ? null : byId.get(groupId);
    String given = appKey == null ? "" : appKey;
    if (group == null || !keyMatches(group, given) || clock.millis() - loadedAt > refreshMillis) {
      reloadInBackground();
    }
    if (group == null) {
      return "group " + groupId + " is not known to this server";
    }
    return keyMatches(group, given) ? null : "wrong appKey for group " + groupId;
  }

  /** SchedulerX's numeric app group id, from memory; 0 for an unknown group. */
  public long appGroupId(String groupId) {
    AppGroup group = groupId == null ? null : byId.get(groupId);
    return group == null ? 0L : group.id();
  }

  private void reloadInBackground() {
    if (reloading.compareAndSet(false, true)) {
      try {
        background.execute(() -> {
          try {
            reloadAll();
          } catch (RuntimeException e) {
            log.warn("app groups not re-read, the next lookup tries again: {}", e.toString());
          } finally {
            reloading.set(false);
          }
        });
      } catch (RuntimeException rejected) {
        reloading.set(false);
      }
    }
  }

  /** Stores a new group; refused when one with its id exists. */
  public AppGroup create(AppGroup group) {
    AppGroup stored = store.insert(group, clock.instant());
    byId.put(stored.groupId(), stored);
    return stored;
  }

  /** Replaces a group's settings; false when it does not exist. */
  public boolean update(AppGroup group) {
    boolean updated = store.update(group, clock.instant());
    reload(group.groupId());
    return updated;
  }

  public boolean delete(String groupId) {
    boolean deleted = store.delete(groupId);
    byId.remove(groupId);
    return deleted;
  }

  public List<Namespace> namespaces() {
    return store.namespaces();
  }

  public Optional<Namespace> namespace(String uid) {
    return store.namespace(uid);
  }

  public void createNamespace(Namespace namespace) {
    store.insertNamespace(namespace, clock.instant());
  }

  /** Deletes a namespace without groups; refused while groups belong to it. */
  public boolean deleteNamespace(String uid) {
    List<String> members = store.findAll().stream().filter(g -> g.namespace().equals(uid)).map(AppGroup::groupId).toList();
    if (!members.isEmpty()) {
      throw new IllegalArgumentException("namespace " + uid + " still has groups " + members + ": delete them first");
    }
    return store.deleteNamespace(uid);
  }

  private void refreshIfStale() {
    if (clock.millis() - loadedAt > refreshMillis) {
      reloadAll();
    }
  }

  private void reloadAll() {
    List<AppGroup> groups = store.findAll();
    byId.keySet().retainAll(groups.stream().map(AppGroup::groupId).toList());
    groups.forEach(g -> byId.put(g.groupId(), g));
    loadedAt = clock.millis();
  }

  private static boolean keyMatches(AppGroup group, String given) {
    return MessageDigest.isEqual(group.appKey().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
