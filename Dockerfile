# The fleettickets image. Build: docker build -t fleettickets .
# Its main process is the live map (fleettickets serve, port 8080 or $PORT); Coolify's
# scheduled task runs the drain inside the running container:
#   */20 6-20 * * *  (EAT)   fleettickets --from-bucket --apply --quiet
# It runs as the unprivileged user fleettickets (uid 10001) and fetches nothing at run time.
# docs/deployment-and-operations.md is the runbook.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src/java-runner
COPY java-runner/pom.xml pom.xml
RUN mvn -B -q dependency:go-offline
COPY sql /src/sql
COPY java-runner/src src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
ENV TZ=Africa/Nairobi
WORKDIR /app
RUN groupadd --system --gid 10001 fleettickets \
    && useradd --system --uid 10001 --gid fleettickets --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin fleettickets
COPY --from=build /src/java-runner/target/fleettickets.jar /app/fleettickets.jar
COPY scripts/healthcheck /usr/local/bin/fleettickets-healthcheck
# A class-data-sharing archive of the classes a drain loads, so that a run with nothing to
# do starts in about a second (warm-up touches no database or bucket). Made as root at build
# time, read-only at run time. (-Xlog:cds=off: no line for each class it leaves out.)
RUN java -Xlog:cds=off -XX:ArchiveClassesAtExit=/app/fleettickets.jsa -jar /app/fleettickets.jar warm-up \
    && test -s /app/fleettickets.jsa \
    && chmod 644 /app/fleettickets.jar /app/fleettickets.jsa \
    && chmod 755 /usr/local/bin/fleettickets-healthcheck
# `fleettickets ...` for the scheduled task and a shell in the container: the same JVM flags.
# Small heap and a quick JIT: the runner streams files and keeps no rows in memory.
RUN printf '%s\n' '#!/bin/sh' \
      'exec java -XX:SharedArchiveFile=/app/fleettickets.jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -jar /app/fleettickets.jar "$@"' \
      > /usr/local/bin/fleettickets \
    && chmod 755 /usr/local/bin/fleettickets
USER 10001:10001
EXPOSE 8080
# /healthz answers 200 while serve runs and its database answers (scripts/healthcheck: bash,
# no curl). Needs serve as the main process; a container started with another command has
# no server to ask. No --start-period: serve listens within seconds (and dockerfilelint
# 1.8.0, which make lint runs, does not know that option).
HEALTHCHECK --interval=30s --timeout=10s --retries=3 \
    CMD ["/usr/local/bin/fleettickets-healthcheck"]
ENTRYPOINT ["/usr/local/bin/fleettickets"]
CMD ["serve"]
