package io.execkpi.warehouse.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.execkpi.jobs.JobRequest;
import io.execkpi.support.TestClock;
import io.execkpi.warehouse.BigQueryProperties;
import io.execkpi.warehouse.WarehouseProperties;

import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files ({@code k8s/**}, {@code Dockerfile}) against the application's real configuration: every
 * manifest parses; the kustomizations reference files and objects that exist; ports and probe paths are the
 * application's ({@code server.port}, actuator health groups); every environment variable is an {@code execkpi.*}
 * property of a {@code @ConfigurationProperties} record or {@code application.yml} (or a known outside variable), and
 * the settings of base and overlay bind to those records without error; the CronJob's command, run through
 * {@code /bin/sh} with a stand-in {@code java}, gives the CLI {@code run <job> date=<yesterday>}; the Dockerfile
 * builds the README's jar.
 */
class K8sManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final Path BASE = K8S.resolve("base");
    private static final Path OVERLAY = K8S.resolve("overlays/bigquery-postgres");
    private static final Path APPLICATION_YML = Path.of("src/main/resources/application.yml");

    /** Variables read by libraries or the platform rather than by an execkpi.* property. */
    private static final Set<String> OUTSIDE_ENV = Set.of("GOOGLE_APPLICATION_CREDENTIALS_JSON",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "JAVA_TOOL_OPTIONS",
            "TZ");

    // ---- reading -------------------------------------------------------------------------------------------------

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                    .toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(Path file) throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (Object document : new Yaml().loadAll(reader)) {
                if (document != null) {
                    documents.add((Map<String, Object>) document);
                }
            }
        }
        return documents;
    }

    private static Map<String, Object> object(Path file, String kind) throws IOException {
        return documents(file).stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + file));
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(key);
            } else if (current instanceof List<?> list) {
                current = list.get(Integer.parseInt(key));
            } else {
                return null;
            }
        }
        return (T) current;
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return switch ((String) workload.get("kind")) {
            case "Deployment", "Job" -> at(workload, "spec", "template", "spec");
            case "CronJob" -> at(workload, "spec", "jobTemplate", "spec", "template", "spec");
            default -> throw new AssertionError("not a workload: " + workload.get("kind"));
        };
    }

    private static Map<String, Object> container(Map<String, Object> workload) {
        List<Map<String, Object>> containers = at(podSpec(workload), "containers");
        assertThat(containers).hasSize(1);
        return containers.getFirst();
    }

    private static Map<String, String> configMap(Path file) throws IOException {
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, Object> raw = at(object(file, "ConfigMap"), "data");
        raw.forEach((k, v) -> data.put(k, String.valueOf(v)));
        return data;
    }

    private static Map<String, String> secretExample() throws IOException {
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, Object> raw = at(object(BASE.resolve("secret.example.yaml"), "Secret"), "stringData");
        raw.forEach((k, v) -> data.put(k, String.valueOf(v)));
        return data;
    }

    /** The environment a container gets: ConfigMap, Secret (example keys), then its own env entries. */
    private static Map<String, String> environment(Map<String, Object> container, Map<String, String> config)
            throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        List<Map<String, Object>> envFrom = at(container, "envFrom");
        for (Map<String, Object> source : envFrom == null ? List.<Map<String, Object>>of() : envFrom) {
            if (source.containsKey("configMapRef")) {
                assertThat((String) at(source, "configMapRef", "name")).isEqualTo("execkpi-config");
                env.putAll(config);
            } else if (source.containsKey("secretRef")) {
                assertThat((String) at(source, "secretRef", "name")).isEqualTo("execkpi-secrets");
                env.putAll(secretExample());
            }
        }
        List<Map<String, Object>> own = at(container, "env");
        for (Map<String, Object> entry : own == null ? List.<Map<String, Object>>of() : own) {
            env.put((String) entry.get("name"), String.valueOf(entry.get("value")));
        }
        return env;
    }

    private static Map<String, String> baseConfig() throws IOException {
        return configMap(BASE.resolve("configmap.yaml"));
    }

    private static Map<String, String> overlayConfig() throws IOException {
        Map<String, String> config = baseConfig();
        config.putAll(configMap(OVERLAY.resolve("warehouse-bigquery.yaml")));
        return config;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> applicationYml() throws IOException {
        try (Reader reader = Files.newBufferedReader(APPLICATION_YML)) {
            return (Map<String, Object>) new Yaml().load(reader);
        }
    }

    private static int serverPort() throws IOException {
        Object port = at(applicationYml(), "server", "port");
        return port == null ? 8080 : Integer.parseInt(String.valueOf(port));
    }

    // ---- the application's settings ----------------------------------------------------------------------------

    /** The property names of every @ConfigurationProperties type of the application; "prefix.*" for maps. */
    static Set<String> configurationProperties() throws Exception {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        Set<String> names = new TreeSet<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.execkpi")) {
            Class<?> type = Class.forName(candidate.getBeanClassName());
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
            collect(prefix, type, names);
        }
        return names;
    }

    private static void collect(String prefix, Class<?> type, Set<String> names) {
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                add(prefix + "." + kebab(component.getName()), component.getType(), names);
            }
        } else {
            for (var descriptor : BeanUtils.getPropertyDescriptors(type)) {
                if (descriptor.getWriteMethod() != null) {
                    add(prefix + "." + kebab(descriptor.getName()), descriptor.getPropertyType(), names);
                }
            }
        }
    }

    private static void add(String name, Class<?> type, Set<String> names) {
        if (Map.class.isAssignableFrom(type)) {
            names.add(name + ".*");
        } else if (type.isRecord()) {
            collect(name, type, names);
        } else {
            names.add(name);
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Set<String> names) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, names));
        } else {
            names.add(prefix);
        }
    }

    /** Environment variable names that set a property: EXECKPI_WAREHOUSE_TYPE, or a prefix for map entries. */
    private static Set<String> settableEnvironment() throws Exception {
        Set<String> properties = new TreeSet<>(configurationProperties());
        flatten("", applicationYml(), properties);
        Set<String> env = new TreeSet<>();
        for (String property : properties) {
            env.add(property.replace(".*", ".").toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')
                    + (property.endsWith(".*") ? "*" : ""));
        }
        return env;
    }

    private static boolean settable(String name, Set<String> settable) {
        return settable.contains(name) || settable.stream().anyMatch(s -> s.endsWith("*")
                && name.startsWith(s.substring(0, s.length() - 1)) && name.length() > s.length() - 1);
    }

    /** The application's settings as Spring sees them with this environment: variables over application.yml. */
    private static Binder binder(Map<String, String> env) throws IOException {
        List<PropertySource<?>> yml = new YamlPropertySourceLoader().load("application.yml",
                new FileSystemResource(APPLICATION_YML));
        List<ConfigurationPropertySource> sources = new ArrayList<>();
        sources.add(ConfigurationPropertySources.from(
                new SystemEnvironmentPropertySource("k8s-systemEnvironment", new LinkedHashMap<>(env))).iterator().next());
        for (PropertySource<?> source : yml) {
            ConfigurationPropertySources.from(source).forEach(sources::add);
        }
        return new Binder(sources);
    }

    private static Set<String> jobNames() throws IOException {
        Set<String> jobs = new TreeSet<>();
        Pattern name = Pattern.compile("JOB_NAME\\s*=\\s*\"(\\w+)\"");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = name.matcher(Files.readString(file));
                while (m.find()) {
                    jobs.add(m.group(1));
                }
            }
        }
        return jobs;
    }

    // ---- tests ---------------------------------------------------------------------------------------------------

    @Test
    void everyManifestParsesAsKubernetesObjectsOrKustomizations() throws IOException {
        List<Path> files = yamlFiles();
        assertThat(files).extracting(p -> K8S.relativize(p).toString().replace('\\', '/')).contains(
                "base/kustomization.yaml", "base/deployment.yaml", "base/cronjob.yaml", "base/configmap.yaml",
                "base/secret.example.yaml", "base/service.yaml", "base/pvc.yaml",
                "overlays/bigquery-postgres/kustomization.yaml");
        for (Path file : files) {
            List<Map<String, Object>> documents = documents(file);
            assertThat(documents).as(file.toString()).isNotEmpty();
            for (Map<String, Object> document : documents) {
                assertThat(document).as(file.toString()).containsKeys("apiVersion", "kind");
                if (!"Kustomization".equals(document.get("kind"))) {
                    assertThat((String) at(document, "metadata", "name")).as(file + " metadata.name").isNotBlank();
                }
            }
        }
    }

    @Test
    void kustomizationsReferenceFilesAndObjectsThatExist() throws IOException {
        Map<String, Object> base = object(BASE.resolve("kustomization.yaml"), "Kustomization");
        List<String> resources = at(base, "resources");
        Set<String> baseObjects = new LinkedHashSet<>();
        for (String resource : resources) {
            Path file = BASE.resolve(resource);
            assertThat(file).as("base resource").exists();
            for (Map<String, Object> document : documents(file)) {
                baseObjects.add(document.get("kind") + "/" + at(document, "metadata", "name"));
            }
        }
        assertThat(resources).as("the Secret example is not applied").doesNotContain("secret.example.yaml");
        assertThat(baseObjects).contains("Deployment/execkpi-api", "CronJob/execkpi-nightly",
                "ConfigMap/execkpi-config", "Service/execkpi", "PersistentVolumeClaim/execkpi-artifacts");

        Map<String, Object> overlay = object(OVERLAY.resolve("kustomization.yaml"), "Kustomization");
        List<String> overlayResources = at(overlay, "resources");
        assertThat(overlayResources).containsExactly("../../base");
        List<Map<String, Object>> patches = at(overlay, "patches");
        assertThat(patches).isNotEmpty();
        for (Map<String, Object> patch : patches) {
            Path file = OVERLAY.resolve((String) patch.get("path"));
            assertThat(file).exists();
            for (Map<String, Object> document : documents(file)) {
                assertThat(baseObjects).as("patch target of " + file)
                        .contains(document.get("kind") + "/" + at(document, "metadata", "name"));
            }
        }
    }

    @Test
    void theApiDeploymentUsesTheApplicationsPortAndHealthProbes() throws IOException {
        Map<String, Object> deployment = object(BASE.resolve("deployment.yaml"), "Deployment");
        Map<String, Object> container = container(deployment);
        List<Map<String, Object>> ports = at(container, "ports");
        assertThat(ports).hasSize(1);
        assertThat(ports.getFirst()).containsEntry("name", "http").containsEntry("containerPort", serverPort());

        Map<String, Object> yml = applicationYml();
        assertThat((Object) at(yml, "management", "server", "port"))
                .as("probes are served on server.port, not on a separate management port").isNull();
        assertThat(String.valueOf((Object) at(yml, "management", "endpoint", "health", "probes", "enabled")))
                .isEqualTo("true");
        String exposed = String.valueOf((Object) at(yml, "management", "endpoints", "web", "exposure", "include"));
        assertThat(exposed).contains("health");
        String port = String.valueOf(serverPort());
        Map<String, String> paths = Map.of("readinessProbe", "/actuator/health/readiness",
                "livenessProbe", "/actuator/health/liveness", "startupProbe", "/actuator/health/liveness");
        paths.forEach((probe, path) -> {
            assertThat((String) at(container, probe, "httpGet", "path")).as(probe).isEqualTo(path);
            assertThat(String.valueOf((Object) at(container, probe, "httpGet", "port"))).as(probe)
                    .isIn("http", port);
        });
        assertThat((Object) at(container, "resources", "requests", "memory")).isNotNull();
        assertThat((Object) at(container, "resources", "limits", "memory")).isNotNull();
        assertThat((Integer) at(podSpec(deployment), "securityContext", "runAsUser")).isNotZero();

        Map<String, String> env = environment(container, baseConfig());
        assertThat(env).as("the API runs no job by itself").containsEntry("EXECKPI_SCHEDULE_NIGHTLY", "-")
                .containsEntry("EXECKPI_BOOTSTRAP_ENABLED", "false");

        Map<String, Object> service = object(BASE.resolve("service.yaml"), "Service");
        assertThat(String.valueOf((Object) at(service, "spec", "ports", "0", "targetPort"))).isEqualTo("http");
        Map<String, Object> selector = at(service, "spec", "selector");
        Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
        assertThat(podLabels).containsAllEntriesOf(selector);
        Map<String, Object> matchLabels = at(deployment, "spec", "selector", "matchLabels");
        assertThat(matchLabels).isNotEmpty();
        assertThat(podLabels).containsAllEntriesOf(matchLabels);
    }

    @Test
    void everyEnvironmentVariableIsARealSetting() throws Exception {
        Set<String> settable = settableEnvironment();
        Set<String> names = new TreeSet<>();
        names.addAll(baseConfig().keySet());
        names.addAll(configMap(OVERLAY.resolve("warehouse-bigquery.yaml")).keySet());
        names.addAll(secretExample().keySet());
        for (Path file : yamlFiles()) {
            for (Map<String, Object> document : documents(file)) {
                if (Set.of("Deployment", "CronJob", "Job").contains(document.get("kind"))) {
                    List<Map<String, Object>> env = at(container(document), "env");
                    if (env != null) {
                        env.forEach(e -> names.add((String) e.get("name")));
                    }
                }
            }
        }
        List<String> unknown = names.stream()
                .filter(n -> !settable(n, settable) && !OUTSIDE_ENV.contains(n))
                .toList();
        assertThat(unknown).as("environment variables that set nothing (known: " + settable + ")").isEmpty();
        assertThat(names).contains("EXECKPI_WAREHOUSE_TYPE", "EXECKPI_STORE_JDBC_URL", "EXECKPI_STORE_PASSWORD",
                "EXECKPI_API_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS_JSON", "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY", "EXECKPI_WAREHOUSE_BIGQUERY_PROJECT");
    }

    @Test
    void theSecretExampleHoldsNoValues() throws IOException {
        assertThat(secretExample()).isNotEmpty().allSatisfy((key, value) -> assertThat(value).as(key).isEmpty());
    }

    @Test
    void baseAndOverlaySettingsBindToTheApplicationsProperties() throws Exception {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        for (Map<String, String> config : List.of(baseConfig(), overlayConfig())) {
            Binder binder = binder(environment(container(object(BASE.resolve("cronjob.yaml"), "CronJob")), config));
            for (BeanDefinition candidate : scanner.findCandidateComponents("io.execkpi")) {
                Class<?> type = Class.forName(candidate.getBeanClassName());
                ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
                String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
                binder.bindOrCreate(prefix, Bindable.of(type)); // throws when a value does not fit
            }
        }
        Binder base = binder(baseConfig());
        assertThat(base.bindOrCreate("execkpi.warehouse", WarehouseProperties.class).type()).isEqualTo("jdbc");
        assertThat(base.bindOrCreate("execkpi.warehouse", WarehouseProperties.class).dialect()).isEqualTo("duckdb");

        Binder overlay = binder(overlayConfig());
        WarehouseProperties warehouse = overlay.bindOrCreate("execkpi.warehouse", WarehouseProperties.class);
        assertThat(warehouse.type()).isEqualTo("bigquery");
        assertThat(warehouse.dialect()).isEqualTo("bigquery");
        BigQueryProperties bigQuery = overlay.bindOrCreate("execkpi.warehouse.bigquery", BigQueryProperties.class);
        // rules, not the overlay's values restated: a project and location are named, every query has a billing cap,
        // a query cannot outlive the nightly pod, and costs are attributed to the app
        assertThat(bigQuery.project()).isNotBlank();
        assertThat(bigQuery.sourceDataset()).isNotBlank();
        assertThat(bigQuery.location()).isNotBlank();
        assertThat(bigQuery.maximumBytesBilled()).as("maximum-bytes-billed").isNotNull().isPositive();
        int deadline = at(object(BASE.resolve("cronjob.yaml"), "CronJob"), "spec", "jobTemplate", "spec",
                "activeDeadlineSeconds");
        assertThat(bigQuery.queryTimeout()).isLessThan(Duration.ofSeconds(deadline));
        assertThat(bigQuery.labels()).containsKey("app");
        assertThat(overlay.bind("execkpi.store.jdbc-url", String.class).get()).startsWith("jdbc:postgresql://");
        assertThat(overlay.bind("execkpi.thelook.generate", Boolean.class).get()).isFalse();
    }

    @Test
    void theNightlyCronJobRunsTheCommandLineForYesterday() throws Exception {
        Map<String, Object> cronJob = object(BASE.resolve("cronjob.yaml"), "CronJob");
        assertThat((String) at(cronJob, "spec", "concurrencyPolicy")).isEqualTo("Forbid");
        assertThat((Integer) at(cronJob, "spec", "startingDeadlineSeconds")).isPositive();
        assertThat((Integer) at(cronJob, "spec", "jobTemplate", "spec", "backoffLimit")).isBetween(1, 6);
        assertThat((String) at(podSpec(cronJob), "restartPolicy")).isIn("Never", "OnFailure");
        Map<String, String> env = environment(container(cronJob), baseConfig());

        // the grace period covers the application's safe stop (execkpi.schedule.shutdown-grace) with a margin
        Duration shutdownGrace = binder(env).bind("execkpi.schedule.shutdown-grace", Duration.class)
                .orElse(Duration.ofSeconds(30));
        int grace = at(podSpec(cronJob), "terminationGracePeriodSeconds");
        assertThat(Duration.ofSeconds(grace)).isGreaterThanOrEqualTo(shutdownGrace.plusSeconds(30));

        List<String> arguments = runWithStandInJava(at(container(cronJob), "command"), env);
        // the stand-in date answers as if it were TestClock.START: the shell's "yesterday" in EXECKPI_ZONE
        LocalDate yesterday = TestClock.START.atZone(ZoneId.of(env.getOrDefault("EXECKPI_ZONE", "UTC")))
                .minusDays(1).toLocalDate();
        assertCommandLine(arguments, "nightlyJob");
        assertThat(arguments.get(4)).isEqualTo("date=" + yesterday);
        assertThat(JobRequest.parse(parameters(arguments)).date()).isNotNull();

        Map<String, Object> backfill = object(BASE.resolve("backfill-job.example.yaml"), "Job");
        // the heap (a share of the limit) and DuckDB's memory limit fit in the container's memory limit with room
        // for the JVM's memory outside the heap; without EXECKPI_WAREHOUSE_MEMORY_LIMIT DuckDB takes 80 % of it
        for (Map<String, Object> job : List.of(cronJob, backfill)) {
            Map<String, String> jobEnv = environment(container(job), baseConfig());
            double limit = bytes(at(container(job), "resources", "limits", "memory"));
            Matcher percent = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)")
                    .matcher(jobEnv.getOrDefault("JAVA_TOOL_OPTIONS", ""));
            double heap = (percent.find() ? Double.parseDouble(percent.group(1)) : 75) / 100 * limit;
            String duckDb = binder(jobEnv).bind("execkpi.warehouse.memory-limit", String.class).orElse(null);
            assertThat(duckDb).as("execkpi.warehouse.memory-limit of " + at(job, "metadata", "name")).isNotNull();
            assertThat(heap + bytes(duckDb) + 512.0 * 1024 * 1024).as("heap + DuckDB + 512 MiB")
                    .isLessThanOrEqualTo(limit);
        }
        List<String> backfillArguments = runWithStandInJava(at(container(backfill), "command"), env);
        assertCommandLine(backfillArguments, "kpiJob");
        assertThat(JobRequest.parse(parameters(backfillArguments)).from()).isNotNull();
    }

    /** Bytes of a Kubernetes quantity ("3Gi", "512Mi") or a DuckDB size ("1GB", "512MiB"). */
    private static double bytes(String size) {
        Matcher m = Pattern.compile("([0-9.]+)\\s*([KMGT])(i?)B?").matcher(size.strip());
        assertThat(m.matches()).as(size).isTrue();
        double base = m.group(3).isEmpty() ? 1000 : 1024;
        return Double.parseDouble(m.group(1)) * Math.pow(base, "KMGT".indexOf(m.group(2)) + 1);
    }

    private static void assertCommandLine(List<String> arguments, String job) throws IOException {
        // java -jar <the Dockerfile's jar> run <job> key=value…   (see CommandLine / README "Jobs")
        assertThat(arguments).hasSizeGreaterThanOrEqualTo(5);
        assertThat(arguments.subList(0, 4)).containsExactly("-jar", dockerJar(), "run", job);
        assertThat(jobNames()).contains(job);
    }

    private static Map<String, String> parameters(List<String> arguments) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String argument : arguments.subList(4, arguments.size())) {
            assertThat(argument).matches("[a-z]+=.+");
            parameters.put(argument.substring(0, argument.indexOf('=')), argument.substring(argument.indexOf('=') + 1));
        }
        return parameters;
    }

    /**
     * Runs a container command with a {@code java} on the PATH that prints its arguments, one per line, and a
     * {@code date} that is GNU date with "now" pinned to {@link TestClock#START} (a {@code -d} expression such as
     * {@code yesterday} is read relative to that instant, in the command's {@code TZ}).
     */
    private static List<String> runWithStandInJava(List<String> command, Map<String, String> env) throws Exception {
        Path bin = Files.createTempDirectory("execkpi-k8s-test");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path realDate = Stream.of(Path.of("/usr/bin/date"), Path.of("/bin/date")).filter(Files::isExecutable)
                .findFirst().orElseThrow();
        String now = "@" + TestClock.START.getEpochSecond();
        Path date = bin.resolve("date");
        Files.writeString(date, "#!/bin/sh\nif [ \"$1\" = -d ]; then d=\"$2\"; shift 2; else d=; fi\n"
                + "exec " + realDate + " -d \"$(" + realDate + " -u -d '" + now + "' '+%Y-%m-%d %H:%M:%S UTC') $d\" \"$@\"\n");
        Files.setPosixFilePermissions(date, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            List<String> argv = new ArrayList<>(command);
            if (argv.getFirst().equals("java")) {
                argv.set(0, java.toString());
            }
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
            builder.environment().putAll(env);
            builder.environment().put("PATH", bin + ":/usr/bin:/bin");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            return output.lines().toList();
        } finally {
            Files.deleteIfExists(java);
            Files.deleteIfExists(date);
            Files.deleteIfExists(bin);
        }
    }

    private static String dockerJar() throws IOException {
        Matcher entrypoint = Pattern.compile("ENTRYPOINT \\[\"java\", \"-jar\", \"([^\"]+)\"]")
                .matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(entrypoint.find()).as("Dockerfile ENTRYPOINT java -jar <jar>").isTrue();
        return entrypoint.group(1);
    }

    @Test
    void theDockerfileBuildsTheReadmeJarAndRunsItAsNonRoot() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher artifact = Pattern.compile("</parent>\\s*<groupId>[^<]+</groupId>\\s*<artifactId>([^<]+)</artifactId>"
                + "\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(artifact.find()).isTrue();
        String jar = "target/" + artifact.group(1) + "-" + artifact.group(2) + ".jar";
        assertThat(Files.readString(Path.of("README.md"))).contains(jar);

        List<String> stages = dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(stages).hasSize(2);
        Matcher build = Pattern.compile("FROM eclipse-temurin:(\\d+)-jdk AS build").matcher(stages.get(0));
        Matcher runtime = Pattern.compile("FROM eclipse-temurin:(\\d+)-jre").matcher(stages.get(1));
        assertThat(build.find() && Integer.parseInt(build.group(1)) >= 21).as(stages.get(0)).isTrue();
        assertThat(runtime.find() && Integer.parseInt(runtime.group(1)) >= 21).as(stages.get(1)).isTrue();
        assertThat(dockerfile).contains("./mvnw -B -DskipTests package", "cp " + jar + " /execkpi.jar",
                "COPY --from=build --chown=execkpi:execkpi /execkpi.jar " + dockerJar(), "libgomp1",
                "--enable-native-access=ALL-UNNAMED", "EXPOSE " + serverPort());
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).doesNotStartWith("root").doesNotStartWith("0");
        // every input of the build is in the context
        for (String input : List.of(".mvn/", "mvnw", "pom.xml", "src/", "sql/", "jobs/")) {
            assertThat(dockerfile).contains(input);
            assertThat(Path.of(input.replace("/", ""))).exists();
        }
        List<String> ignored = Files.readAllLines(Path.of(".dockerignore"));
        assertThat(ignored).contains("target/").doesNotContain("src/", "sql/", "jobs/", "pom.xml", "mvnw", ".mvn/");
    }

    @Test
    void artifactsLiveOnTheSharedVolume() throws IOException {
        Map<String, Object> pvc = object(BASE.resolve("pvc.yaml"), "PersistentVolumeClaim");
        String dir = baseConfig().get("EXECKPI_ARTIFACTS_DIR");
        for (String file : List.of("deployment.yaml", "cronjob.yaml")) {
            Map<String, Object> workload = documents(BASE.resolve(file)).getFirst();
            List<Map<String, Object>> volumes = at(podSpec(workload), "volumes");
            String volume = volumes.stream()
                    .filter(v -> v.containsKey("persistentVolumeClaim")
                            && at(pvc, "metadata", "name").equals(at(v, "persistentVolumeClaim", "claimName")))
                    .map(v -> (String) v.get("name")).findFirst().orElseThrow();
            List<Map<String, Object>> mounts = at(container(workload), "volumeMounts");
            assertThat(mounts).anySatisfy(m -> {
                assertThat(m.get("name")).isEqualTo(volume);
                assertThat(m.get("mountPath")).isEqualTo(dir);
            });
        }
        List<String> accessModes = at(pvc, "spec", "accessModes");
        assertThat(accessModes).containsExactly("ReadWriteMany");
    }
}
