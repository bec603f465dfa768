# syntax=docker/dockerfile:1
# ExecKPI container image: builds the same jar as the README (./mvnw package -> target/execkpi-0.1.0-SNAPSHOT.jar)
# and runs it on a JRE as a non-root user.
#   docker build -t execkpi:0.1.0 .
#   docker run -p 8080:8080 execkpi:0.1.0                                   # embedded demo warehouse
#   docker run execkpi:0.1.0 run kpiJob date=2026-11-24                     # one job, then exit (0 ok, 1 failed)

# ---- build: JDK 21 + the Maven wrapper -------------------------------------------------------------------------
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
COPY sql/ sql/
COPY jobs/ jobs/
# the local Maven repository is a build cache, not part of any layer
RUN --mount=type=cache,target=/root/.m2 \
    chmod +x mvnw \
    && ./mvnw -B -DskipTests package \
    && cp target/execkpi-0.1.0-SNAPSHOT.jar /execkpi.jar

# ---- runtime: JRE 21 -------------------------------------------------------------------------------------------
FROM eclipse-temurin:21-jre
# libgomp1: OpenMP runtime that XGBoost's native library needs; tzdata: zones for execkpi.zone and the CronJob's date
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 execkpi \
    && useradd --system --uid 10001 --gid execkpi --home-dir /app --shell /usr/sbin/nologin execkpi \
    && mkdir -p /app/data /app/artifacts \
    && chown -R execkpi:execkpi /app
WORKDIR /app
COPY --from=build --chown=execkpi:execkpi /execkpi.jar /app/execkpi.jar
# --enable-native-access: XGBoost loads its native library (JDK 22+ warns without it, later JDKs refuse);
# MaxRAMPercentage: size the heap from the container's memory limit
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 --enable-native-access=ALL-UNNAMED" \
    EXECKPI_DATA_DIR=/app/data \
    EXECKPI_ARTIFACTS_DIR=/app/artifacts
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/execkpi.jar"]
