package dev.schedulerx.server.http;

import dev.schedulerx.job.schedule.Schedules;
import dev.schedulerx.job.schedule.TimeType;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/schedules/preview?timeType=cron&timeExpression=…[&timeZone=…][&count=5]}: the fire times a
 * job with this schedule would have if it were saved now, or the 400 its save would get. The console's job form
 * shows them while the schedule is typed. Pure computation, answered by any server node.
 */
final class ScheduleRoutes {
  static final int DEFAULT_COUNT = 5;
  static final int MAX_COUNT = 50;

  private final Clock clock;

  ScheduleRoutes(Clock clock) {
    this.clock = clock;
  }

  void register(Javalin app) {
    app.get("/api/v1/schedules/preview", ctx -> {
      TimeType type = TimeType.fromKey(orEmpty(ctx.queryParam("timeType")).isBlank() ? "api" : ctx.queryParam("timeType"));
      String expression = orEmpty(ctx.queryParam("timeExpression"));
      ZoneId zone = Schedules.zoneOf(ctx.queryParam("timeZone"), clock.getZone());
      int count = ctx.queryParamAsClass("count", Integer.class).getOrDefault(DEFAULT_COUNT);
      if (count < 1 || count > MAX_COUNT) {
        throw new IllegalArgumentException("count must be between 1 and " + MAX_COUNT + ", got " + count);
      }
      List<Instant> times = Schedules.preview(type, expression, zone, clock.instant(), count);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("timeType", type.key());
      body.put("timeZone", zone.getId());
      body.put("nextFireTimes", times.stream().map(Instant::toString).toList());
      ctx.json(body);
    });
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
