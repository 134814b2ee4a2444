# The fleettickets image. Build: docker build -t fleettickets .
# Its main process is the live map (fleettickets serve, port 8080 or $PORT); Coolify's
# scheduled task runs the drain inside the running container:
#   */20 6-20 * * *  (EAT)   fleettickets --from-bucket --apply --quiet
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY java-runner/pom.xml java-runner/pom.xml
RUN cd java-runner && mvn -B -q dependency:go-offline
COPY sql sql
COPY java-runner java-runner
RUN cd java-runner && mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
ENV TZ=Africa/Nairobi
WORKDIR /app
COPY --from=build /src/java-runner/target/fleettickets.jar /app/fleettickets.jar
# A class-data-sharing archive of the classes a drain loads, so that a run with nothing to
# do starts in about a second (warm-up touches no database or bucket).
RUN java -XX:ArchiveClassesAtExit=/app/fleettickets.jsa -jar /app/fleettickets.jar warm-up \
    && test -s /app/fleettickets.jsa
# `fleettickets ...` for the scheduled task and a shell in the container: the same JVM flags.
# Small heap and a quick JIT: the runner streams files and keeps no rows in memory.
RUN printf '%s\n' '#!/bin/sh' \
      'exec java -XX:SharedArchiveFile=/app/fleettickets.jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -jar /app/fleettickets.jar "$@"' \
      > /usr/local/bin/fleettickets \
    && chmod 755 /usr/local/bin/fleettickets
ENTRYPOINT ["/usr/local/bin/fleettickets"]
EXPOSE 8080
CMD ["serve"]
