# The runner image for the Coolify scheduled task. Build: docker build -t fleettickets .
# Run:   docker run --rm -e DATABASE_URL=... fleettickets --inc-csv /data/x.csv --apply
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY java-runner/pom.xml java-runner/pom.xml
RUN cd java-runner && mvn -B -q dependency:go-offline
COPY sql sql
COPY java-runner java-runner
RUN cd java-runner && mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
ENV TZ=Africa/Nairobi
COPY --from=build /src/java-runner/target/fleettickets.jar /app/fleettickets.jar
# Small heap: the runner streams files and keeps no rows in memory.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xmx256m", "-jar", "/app/fleettickets.jar"]
CMD ["--help"]
