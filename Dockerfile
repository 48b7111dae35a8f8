# Multi-stage build: Maven builds the distribution, a JRE 17 image runs it as a non-root user.
#   docker build -t schedulerx-worker .
#   docker run -e SCHEDULERX_API_TOKEN=<a secret> -p 18080:18080 -p 18081:18081 -v $PWD/plugins:/opt/schedulerx/plugins schedulerx-worker
# The embedded server listens on all interfaces here, so it refuses to start without an API token (or with
# SCHEDULERX_SERVER_ALLOW_OPEN_API=true, an open API on purpose).
# 18080: the embedded server (API, discovery, its /healthz and /metrics); 18081: the daemon's /healthz and /metrics.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY build-tools build-tools
COPY plugin-api plugin-api
COPY common common
COPY protocol protocol
COPY job-model job-model
COPY scheduler-server scheduler-server
COPY worker-daemon worker-daemon
COPY testkit testkit
COPY examples examples
COPY e2e-tests/pom.xml e2e-tests/pom.xml
COPY interop-tests/pom.xml interop-tests/pom.xml
RUN mvn -q -B -DskipTests -Dmaven.test.skip=true package -pl worker-daemon,examples -am

# What both images hold: the worker's JARs (lib/), launchers and config, run as a non-root user.
FROM eclipse-temurin:17-jre AS runtime
RUN useradd --system --home /opt/schedulerx --shell /usr/sbin/nologin schedulerx
WORKDIR /opt/schedulerx
COPY --from=build /src/worker-daemon/target/schedulerx-worker-daemon-*.jar worker-daemon/target/
COPY --from=build /src/worker-daemon/target/lib worker-daemon/target/lib
COPY --from=build /src/examples/target/schedulerx-examples-*.jar plugins/
COPY bin bin
COPY conf conf
RUN mkdir -p data && chown -R schedulerx:schedulerx /opt/schedulerx
USER schedulerx
# In a container the daemon must listen on all interfaces to be reachable, and logs to stdout only (no file; an
# environment variable, so that a JAVA_OPTS of one's own keeps it).
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -Dschedulerx.remoting.host=0.0.0.0" \
    SCHEDULERX_LOG_APPENDER=CONSOLE
# The daemon's /healthz and /metrics on a fixed port, reachable from outside for Prometheus.
ENV SCHEDULERX_WORKER_HTTP_PORT=18081 \
    SCHEDULERX_WORKER_HTTP_HOST=0.0.0.0
VOLUME ["/opt/schedulerx/plugins", "/opt/schedulerx/conf", "/opt/schedulerx/data"]
# Healthy while the daemon is registered with its server and heartbeats are acknowledged (GET /healthz).
# bin/schedulerx-healthcheck needs only bash (no curl or wget in the image); start-period covers the first start.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["/opt/schedulerx/bin/schedulerx-healthcheck"]
ENTRYPOINT ["/opt/schedulerx/bin/schedulerx-worker"]
CMD ["--conf", "/opt/schedulerx/conf/worker.conf"]

# A worker alone, without the server's JARs (README, "Worker-only distribution"):
#   docker build --target worker -t schedulerx-worker-only .
#   docker run -e SCHEDULERX_DOMAIN=<server host>:18080 -v "$PWD/plugins:/opt/schedulerx/plugins" schedulerx-worker-only
FROM runtime AS worker
ENV SCHEDULERX_SERVER_EMBEDDED=false
EXPOSE 18081

# The default image: the worker with the embedded server (lib-server/: the server and the JARs only it needs).
FROM runtime
COPY --from=build --chown=schedulerx:schedulerx /src/worker-daemon/target/lib-server worker-daemon/target/lib-server
EXPOSE 18080 18081
