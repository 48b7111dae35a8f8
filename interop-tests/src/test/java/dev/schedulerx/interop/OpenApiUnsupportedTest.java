package dev.schedulerx.interop;

import com.alibaba.schedulerx.common.sdk.request.BaseRequest;
import com.alibaba.schedulerx.common.sdk.request.BatchDeleteRouteStrategyRequest;
import com.alibaba.schedulerx.common.sdk.request.BatchDisableRouteStrategyRequest;
import com.alibaba.schedulerx.common.sdk.request.BatchEnableRouteStrategyRequest;
import com.alibaba.schedulerx.common.sdk.request.CreateRouteStrategyRequest;
import com.alibaba.schedulerx.common.sdk.request.DeleteRouteStrategyRequest;
import com.alibaba.schedulerx.common.sdk.request.DisableRouteStrategyRequest;
import com.alibaba.schedulerx.common.sdk.request.EnableRouteStrategyRequest;
import com.alibaba.schedulerx.common.sdk.request.GetRouteStrategyListRequest;
import com.alibaba.schedulerx.common.sdk.request.GrantPermissonRequest;
import com.alibaba.schedulerx.common.sdk.request.RevokePermissonRequest;
import com.alibaba.schedulerx.common.sdk.request.UpdateRouteStrategyRequest;
import com.alibaba.schedulerx.common.sdk.response.BaseResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every OpenAPI request type our server does not support (route strategies, permissions, and any other path under
 * {@code /openapi/v1}), sent by the official SchedulerX client: each is answered with the SchedulerX envelope,
 * success=false, a code and a message naming the path, never a body the client reads as code 0.
 */
@Tag("interop")
class OpenApiUnsupportedTest {
  @TempDir static Path dir;
  private static OurServer server;
  private static OpenApi api;

  @BeforeAll
  static void start() throws Exception {
    server = OurServer.start(dir);
    api = OpenApi.of(server.domain(), OurServer.NAMESPACE, OurServer.GROUP, OurServer.APP_KEY);
  }

  @AfterAll
  static void stop() {
    Processes.closeEach(server);
  }

  static Stream<Arguments> unsupported() {
    return Stream.<Supplier<BaseRequest<?>>>of(
        () -> {
          CreateRouteStrategyRequest r = new CreateRouteStrategyRequest();
          r.setName("s");
          r.setJobId(1L);
          r.setType(1);
          r.setStrategyContent("{}");
          r.setStatus(1);
          return r;
        },
        () -> {
          UpdateRouteStrategyRequest r = new UpdateRouteStrategyRequest();
          r.setJobId(1L);
          r.setName("s");
          r.setType(1);
          r.setStrategyContent("{}");
          return r;
        },
        () -> {
          DeleteRouteStrategyRequest r = new DeleteRouteStrategyRequest();
          r.setStrategyId(1L);
          r.setJobId(1L);
          return r;
        },
        () -> {
          EnableRouteStrategyRequest r = new EnableRouteStrategyRequest();
          r.setStrategyId(1L);
          r.setJobId(1L);
          return r;
        },
        () -> {
          DisableRouteStrategyRequest r = new DisableRouteStrategyRequest();
          r.setStrategyId(1L);
          r.setJobId(1L);
          return r;
        },
        () -> {
          GetRouteStrategyListRequest r = new GetRouteStrategyListRequest();
          r.setStrategyName("s");
          return r;
        },
        () -> {
          BatchDeleteRouteStrategyRequest r = new BatchDeleteRouteStrategyRequest();
          r.setStrategyIdList(List.of(1L));
          r.setJobIdList(List.of(1L));
          return r;
        },
        () -> {
          BatchEnableRouteStrategyRequest r = new BatchEnableRouteStrategyRequest();
          r.setStrategyIdList(List.of(1L));
          r.setJobIdList(List.of(1L));
          return r;
        },
        () -> {
          BatchDisableRouteStrategyRequest r = new BatchDisableRouteStrategyRequest();
          r.setStrategyIdList(List.of(1L));
          r.setJobIdList(List.of(1L));
          return r;
        },
        () -> {
          GrantPermissonRequest r = new GrantPermissonRequest();
          r.setUserId("u1");
          r.setUserName("user one");
          r.setGrantOption(true);
          return r;
        },
        () -> {
          RevokePermissonRequest r = new RevokePermissonRequest();
          r.setUserId("u1");
          return r;
        },
        () -> new PathOnly("/openapi/v1/job/noSuchOperation"),
        () -> new PathOnly("/openapi/v1/noSuchArea/list"))
        .map(s -> {
          BaseRequest<?> request = s.get();
          return Arguments.of(request.getUrlPath(), s);
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsupported")
  void isAnsweredWithTheEnvelopeACodeAndAMessageNamingThePath(String path, Supplier<BaseRequest<?>> request) {
    api.refused(request.get(), path.substring("/openapi/v1/".length()));
  }

  /** A request of the client's own kind to a path it has no class for. */
  private static final class PathOnly extends BaseRequest<BaseResponse> {
    private final String path;

    PathOnly(String path) {
      this.path = path;
    }

    @Override
    public Class<BaseResponse> getResponseClass() {
      return BaseResponse.class;
    }

    @Override
    public String getUrlPath() {
      return path;
    }
  }
}
