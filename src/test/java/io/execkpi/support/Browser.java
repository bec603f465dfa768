package io.execkpi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium from Debian's {@code chromium} and {@code chromium-driver} packages, driven by Selenium with
 * both binaries named explicitly (Selenium Manager never downloads anything). Where the packages are missing the
 * browser tests are skipped with a message saying what to install — except under CI ({@code CI=true}), where
 * {@code .ci/run} installs them and their absence is a failure.
 */
public final class Browser implements AutoCloseable {

    /** The browser binary: Debian's by default, or {@code EXECKPI_TEST_CHROMIUM}. */
    public static final Path CHROMIUM = Path.of(env("EXECKPI_TEST_CHROMIUM", "/usr/bin/chromium"));
    /** Its driver: Debian's by default, or {@code EXECKPI_TEST_CHROMEDRIVER}. */
    public static final Path CHROMEDRIVER = Path.of(env("EXECKPI_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    /**
     * Where the browser tests put their screenshots: {@code target/screenshots}, so a test run leaves the tree clean;
     * the system property {@code execkpi.screenshots=docs/screenshots} regenerates the README's (see README).
     */
    public static final Path SCREENSHOTS = Path.of(System.getProperty("execkpi.screenshots",
            Path.of("target", "screenshots").toString()));

    private final ChromeDriver driver;

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A new browser window of 1280×800 CSS pixels. */
    public static Browser open() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("Browser tests need Debian's chromium and chromium-driver packages;"
                    + " .ci/run installs them");
        }
        Assumptions.assumeTrue(installed, "Browser tests skipped: install Debian's chromium and chromium-driver"
                + " (apt-get install -y chromium chromium-driver)");
        System.setProperty("SE_OFFLINE", "true");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--window-size=1280,800", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new Browser(driver);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Runs JavaScript in the page and returns its value (numbers as Long or Double, arrays as List). */
    @SuppressWarnings("unchecked")
    public <T> T js(String script, Object... args) {
        return (T) ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Console messages of level SEVERE since the last call (JavaScript errors and failed requests). */
    public List<String> severeConsoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    /** Every resource URL the page loaded (Resource Timing), to check that no request left the app. */
    public List<String> resourceUrls() {
        return js("return performance.getEntriesByType('resource').map(e => e.name)"
                + ".concat([location.href]);");
    }

    /** The data of series {@code index} of the ECharts chart in element {@code id}, as the chart holds it. */
    public List<Object> seriesData(String id, int index) {
        return js("var c = echarts.getInstanceByDom(document.getElementById(arguments[0]));"
                + " return c ? c.getOption().series[arguments[1]].data : null;", id, index);
    }

    /** Waits until every chart element holds a drawn ECharts instance (an SVG inside it). */
    public void awaitCharts() {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            Boolean drawn = js("return typeof echarts !== 'undefined' && Array.from(document.querySelectorAll('.chart'))"
                    + ".every(el => echarts.getInstanceByDom(el) && el.querySelector('svg'));");
            if (Boolean.TRUE.equals(drawn)) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("charts were not drawn on " + driver.getCurrentUrl());
    }

    /**
     * Clicks an element that loads a new page (a link, a form's submit button) and waits until the new document has
     * loaded and drawn its charts: {@link #awaitCharts()} alone could still see the old page's charts.
     */
    public void clickAndAwaitPage(WebElement element) {
        js("window.__execkpiPreviousPage = true;");
        element.click();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            Boolean loaded = js("return window.__execkpiPreviousPage === undefined"
                    + " && document.readyState === 'complete';");
            if (Boolean.TRUE.equals(loaded)) {
                awaitCharts();
                return;
            }
            sleep(100);
        }
        throw new AssertionError("no new page after the click on " + driver.getCurrentUrl());
    }

    /** Saves a full-page screenshot at the given width under {@link #SCREENSHOTS}. */
    public Path screenshot(String name, int width) {
        driver.manage().window().setSize(new Dimension(width, 800));
        sleep(300);
        Long height = js("return Math.min(document.documentElement.scrollHeight, 4000);");
        driver.manage().window().setSize(new Dimension(width, (int) Math.max(800, height)));
        sleep(400);
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        driver.manage().window().setSize(new Dimension(1280, 800));
        return save(name, png);
    }

    /** Saves a screenshot of one element (by id) at the given window width under {@link #SCREENSHOTS}. */
    public Path screenshot(String name, int width, String elementId) {
        driver.manage().window().setSize(new Dimension(width, 800));
        sleep(300);
        // a window as tall as the page, so that the element is inside the viewport whole
        Long height = js("return Math.min(document.documentElement.scrollHeight, 8000);");
        driver.manage().window().setSize(new Dimension(width, (int) Math.max(800, height)));
        sleep(400);
        byte[] png = driver.findElement(org.openqa.selenium.By.id(elementId)).getScreenshotAs(OutputType.BYTES);
        driver.manage().window().setSize(new Dimension(1280, 800));
        return save(name, png);
    }

    private static Path save(String name, byte[] png) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
