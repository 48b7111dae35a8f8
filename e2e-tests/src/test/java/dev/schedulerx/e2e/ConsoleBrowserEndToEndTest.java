package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schedulerx.e2e.Distribution.Daemon;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in headless Chromium against two daemons started through bin/ (the first hosting the embedded
 * server, with an API token): the token prompt, the workers page, a MapReduce run triggered from the page with
 * its result and per-worker counts, and a job created, edited, disabled, enabled and deleted through the forms.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("browser")
class ConsoleBrowserEndToEndTest {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final String TOKEN = "console-e2e-token";

  static Path dir;
  static String console;
  static final List<Daemon> daemons = new ArrayList<>();
  static WebDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void startTwoDaemonsAndABrowser() throws Exception {
    if (!new File(CHROMEDRIVER).canExecute() || !new File(CHROMIUM).canExecute()) {
      throw new IllegalStateException(CHROMIUM + " and " + CHROMEDRIVER + " are needed: apt-get install chromium chromium-driver"
          + " (.ci/run does), or leave this class out with -Dtest='!ConsoleBrowserEndToEndTest'");
    }
    dir = Files.createTempDirectory("sx-e2e-console");
    Path plugins = Distribution.pluginsWithExamples(dir);
    int httpPort = Distribution.freePort();
    Path conf = dir.resolve("worker.conf");
    Files.writeString(conf, """
        schedulerx {
          group-id = "console"
          app-key = "console-key"
          api-token = "%s"
          plugins-dir = "%s"
          data-dir = "%s"
          server.http-port = %d
          worker.scripts.enabled = true
          jobs {
            hello { processor = "HelloWorld" }
            mapreduce { processor = "TestMapReduceJob", execute-mode = grid }
          }
        }
        """.formatted(TOKEN, plugins, dir.resolve("data"), httpPort));
    daemons.add(Daemon.start(conf, dir.resolve("a.log"), Duration.ofSeconds(90)));
    daemons.add(Daemon.launch(conf, dir.resolve("b.log"), ServerDistribution.joining(httpPort)));
    browser = startChromium(dir.resolve("chromium-profile"));
    wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class); // the pages repaint their tables while they poll
    daemons.get(1).awaitReady(Duration.ofSeconds(90));
    console = "http://127.0.0.1:" + httpPort;
  }

  private static WebDriver startChromium(Path profile) {
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    // Without the networking flags Chromium waits on services this closed network cannot reach.
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile, "--window-size=1280,1150");
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1280, 1150));
    return driver;
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    for (Daemon d : daemons) {
      d.close();
    }
    if (dir != null) {
      Distribution.deleteTree(dir);
    }
  }

  private static <T> T await(Function<WebDriver, T> condition) {
    return wait.until(condition);
  }

  /** The element's text once it is there; retried when the page repaints it meanwhile (the pages poll). */
  private static String text(By locator) {
    return await(d -> d.findElement(locator).getText());
  }

  private static void click(By locator) {
    await(d -> {
      d.findElement(locator).click();
      return true;
    });
  }

  private static By jobRow(String name, String inside) {
    return By.cssSelector("#jobs tr[data-job='" + name + "'] " + inside);
  }

  private static String jobRowText(String name) {
    return text(By.cssSelector("#jobs tr[data-job='" + name + "']"));
  }

  private static void open(String hash) {
    browser.get(console + "/console/" + hash);
  }

  @Test
  @Order(1)
  void theConsoleAsksForTheTokenOnceAndThenListsTheJobs() {
    browser.get(console + "/");

    assertThat(browser.getCurrentUrl()).startsWith(console + "/console/");
    WebElement dialog = await(ExpectedConditions.visibilityOfElementLocated(By.id("token-dialog")));
    browser.findElement(By.id("token-input")).sendKeys("wrong");
    browser.findElement(By.id("token-submit")).click();
    await(ExpectedConditions.textToBe(By.id("token-error"), "The server refused that token."));
    browser.findElement(By.id("token-input")).sendKeys(TOKEN);
    browser.findElement(By.id("token-submit")).click();
    await(ExpectedConditions.invisibilityOf(dialog));

    assertThat(jobRowText("mapreduce")).contains("TestMapReduceJob", "grid", "api (on demand)", "yes", "never");
    assertThat(jobRowText("hello")).contains("HelloWorld", "standalone");
    open("#/workers"); // a new page load: the token is kept for the tab
    await(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table.workers")));
    assertThat(browser.findElement(By.id("token-dialog")).isDisplayed()).isFalse();
  }

  @Test
  @Order(2)
  void theWorkersPageListsBothWorkersOfTheGroupWithTheirHeartbeatAge() {
    open("#/workers");

    for (Daemon d : daemons) {
      String row = "table.workers[data-group='console'] tr[data-worker='" + d.workerId() + "'] ";
      assertThat(text(By.cssSelector(row + ".heartbeat"))).matches("\\d+ s ago");
    }
    assertThat(text(By.id("workers"))).contains("Group console (2 worker(s))");
  }

  @Test
  @Order(3)
  void aMapReduceRunTriggeredFromThePageSucceedsWithItsResultAndPerWorkerCounts() throws Exception {
    open("#/jobs");
    click(jobRow("mapreduce", "button.run"));
    WebElement params = await(ExpectedConditions.visibilityOfElementLocated(By.id("run-params")));
    params.clear();
    params.sendKeys("1000");
    browser.findElement(By.id("run-submit")).click();

    await(ExpectedConditions.urlMatches("#/instances/\\d+$"));
    await(ExpectedConditions.textToBe(By.cssSelector("#instance-state .state"), "SUCCESS"));
    await(ExpectedConditions.textToBe(By.id("instance-result"), "500500"));
    assertThat(text(By.id("instance-facts"))).contains("Parameters\n1000", "Trigger\nAPI");
    await(ExpectedConditions.textToBe(By.id("progress-summary"), "1001 tasks: 0 running, 1001 succeeded, 0 failed, on 2 worker(s)"));
    List<String> succeeded = await(d -> d.findElements(By.cssSelector("#worker-progress tbody td.success")).stream().map(WebElement::getText).toList());
    List<String> failed = await(d -> d.findElements(By.cssSelector("#worker-progress tbody td.failed")).stream().map(WebElement::getText).toList());
    assertThat(succeeded).hasSize(2).allSatisfy(n -> assertThat(Long.parseLong(n)).isPositive());
    assertThat(succeeded.stream().mapToLong(Long::parseLong).sum()).isEqualTo(1001); // 1000 sub-tasks and the root
    assertThat(failed).containsExactly("0", "0");
    // The logs panel answers either with lines or, where the server has no log route, with "no logs".
    await(d -> !d.findElement(By.id("logs")).getText().isBlank());
    screenshot();

    String instanceId = browser.getCurrentUrl().replaceAll(".*#/instances/", "");
    open("#/instances");
    By row = By.cssSelector("tr[data-instance='" + instanceId + "']");
    assertThat(text(row)).contains("mapreduce", "SUCCESS", "1000", "500500");
    click(By.cssSelector("tr[data-instance='" + instanceId + "'] a[href^='#/jobs/']")); // the job's page lists its own instances
    await(ExpectedConditions.urlContains("#/jobs/console/mapreduce"));
    assertThat(text(row)).contains("SUCCESS", "500500");
    assertThat(text(By.id("job-facts"))).contains("TestMapReduceJob", "grid");
  }

  /** The finished instance page, for docs/ (pass -Dconsole.screenshot=docs/console-mapreduce.png to refresh it). */
  private static void screenshot() throws Exception {
    Path target = Path.of(System.getProperty("console.screenshot", "target/console-mapreduce.png"));
    if (!target.isAbsolute()) {
      target = Distribution.home().resolve(target.startsWith("target") ? Path.of("e2e-tests").resolve(target) : target);
    }
    Files.createDirectories(target.getParent());
    Files.write(target, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
  }

  @Test
  @Order(4)
  void aJobIsCreatedEditedDisabledEnabledAndDeletedThroughThePages() {
    open("#/jobs");
    await(ExpectedConditions.elementToBeClickable(By.id("new-job"))).click();
    WebElement form = await(ExpectedConditions.presenceOfElementLocated(By.id("job-form")));
    assertThat(form.findElement(By.name("group")).getDomProperty("value")).as("the only group in use").isEqualTo("console");
    form.findElement(By.name("name")).sendKeys("made-in-browser");
    form.findElement(By.name("processor")).sendKeys("HelloWorld");
    new org.openqa.selenium.support.ui.Select(form.findElement(By.name("timeType"))).selectByValue("cron");
    form.findElement(By.name("timeExpression")).sendKeys("not a cron");
    browser.findElement(By.id("save-job")).click();

    await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#flash.error")));
    assertThat(text(By.id("flash"))).startsWith("cron expression \"not a cron\" is invalid");
    // The form's preview line said so before the save, and shows the next runs of a schedule as it is typed.
    await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#schedule-preview.error"), "cron expression \"not a cron\" is invalid"));

    form.findElement(By.name("timeExpression")).clear();
    form.findElement(By.name("timeExpression")).sendKeys("0 0 0 31 2 ?");
    await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#schedule-preview.error"), "never fires"));
    form.findElement(By.name("timeExpression")).clear();
    form.findElement(By.name("timeExpression")).sendKeys("0 0 3 * * ?");
    await(ExpectedConditions.textToBePresentInElementLocated(By.id("schedule-preview"), "Next runs"));
    assertThat(text(By.id("schedule-preview"))).matches("Next runs \\(.+\\): (\\d{4}-\\d\\d-\\d\\d 03:00:00(, )?){5}");
    browser.findElement(By.id("save-job")).click();
    await(ExpectedConditions.textToBePresentInElementLocated(By.id("job-facts"), "cron 0 0 3 * * ?"));
    assertThat(text(By.tagName("h1"))).contains("made-in-browser", "enabled");

    browser.findElement(By.cssSelector("button.edit")).click();
    WebElement edit = await(ExpectedConditions.presenceOfElementLocated(By.id("job-form")));
    assertThat(edit.findElement(By.name("name")).isEnabled()).isFalse();
    edit.findElement(By.name("parameters")).sendKeys("edited");
    browser.findElement(By.id("save-job")).click();
    await(ExpectedConditions.textToBePresentInElementLocated(By.id("job-facts"), "Parameters\nedited"));

    open("#/jobs");
    assertThat(text(jobRow("made-in-browser", ".enabled"))).isEqualTo("yes");
    click(jobRow("made-in-browser", "button.toggle"));
    await(ExpectedConditions.textToBe(jobRow("made-in-browser", ".enabled"), "no"));
    assertThat(text(jobRow("made-in-browser", "button.toggle"))).isEqualTo("Enable");
    click(jobRow("made-in-browser", "button.toggle"));
    await(ExpectedConditions.textToBe(jobRow("made-in-browser", ".enabled"), "yes"));

    click(jobRow("made-in-browser", "button.delete"));
    await(ExpectedConditions.alertIsPresent()).accept();
    await(ExpectedConditions.textToBe(By.id("flash"), "Job made-in-browser deleted."));
    await(d -> d.findElements(By.cssSelector("#jobs tr[data-job]")).stream().map(r -> r.getDomAttribute("data-job")).toList()
        .equals(List.of("hello", "mapreduce")));
  }

  @Test
  @Order(5)
  void aShellJobWrittenInTheScriptEditorRunsWithItsOutputInTheLogAndFailsWithItsLastLineAsTheResult() {
    open("#/jobs");
    await(ExpectedConditions.elementToBeClickable(By.id("new-job"))).click();
    WebElement form = await(ExpectedConditions.presenceOfElementLocated(By.id("job-form")));
    assertThat(form.findElement(By.id("script-editor")).isDisplayed()).as("no editor for a java job").isFalse();
    form.findElement(By.name("name")).sendKeys("script-in-browser");
    new org.openqa.selenium.support.ui.Select(form.findElement(By.name("jobType"))).selectByValue("shell");
    assertThat(form.findElement(By.name("processor")).isDisplayed()).as("a script job names no processor").isFalse();
    assertThat(text(By.id("content-hint"))).startsWith("Shell script");
    WebElement editor = form.findElement(By.id("script-editor"));
    editor.sendKeys("echo \"first line\"\nif true; then\n\techo \"answer $((6*7))\"\nfi\n");
    browser.findElement(By.id("save-job")).click();

    await(ExpectedConditions.textToBePresentInElementLocated(By.id("job-facts"), "Job type\nshell"));
    // Stored as typed: the Tab key indented the line instead of leaving the editor.
    assertThat(browser.findElement(By.id("job-content")).getDomProperty("textContent"))
        .isEqualTo("echo \"first line\"\nif true; then\n\techo \"answer $((6*7))\"\nfi\n");
    assertThat(text(By.id("job-facts"))).doesNotContain("Processor");

    open("#/jobs");
    click(jobRow("script-in-browser", "button.run"));
    await(ExpectedConditions.visibilityOfElementLocated(By.id("run-params")));
    browser.findElement(By.id("run-submit")).click();
    await(ExpectedConditions.urlMatches("#/instances/\\d+$"));
    await(ExpectedConditions.textToBe(By.cssSelector("#instance-state .state"), "SUCCESS"));
    await(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"), "answer 42"));
    assertThat(text(By.id("logs"))).contains("first line");

    // Edited in the editor: a script that fails is FAILED with its last line as the result.
    open("#/jobs/console/script-in-browser");
    click(By.cssSelector("button.edit"));
    WebElement edit = await(ExpectedConditions.presenceOfElementLocated(By.id("job-form")));
    assertThat(edit.findElement(By.id("script-editor")).getDomProperty("value")).contains("answer $((6*7))");
    edit.findElement(By.id("script-editor")).clear();
    edit.findElement(By.id("script-editor")).sendKeys("echo \"disk full\" >&2\nexit 3\n");
    browser.findElement(By.id("save-job")).click();
    await(ExpectedConditions.textToBePresentInElementLocated(By.id("job-content"), "exit 3"));
    click(By.cssSelector("button.run"));
    await(ExpectedConditions.visibilityOfElementLocated(By.id("run-params")));
    browser.findElement(By.id("run-submit")).click();
    await(ExpectedConditions.urlMatches("#/instances/\\d+$"));
    await(ExpectedConditions.textToBe(By.cssSelector("#instance-state .state"), "FAILED"));
    assertThat(text(By.id("instance-result"))).contains("disk full");
  }

  @Test
  void aGroupCreatedOnTheGroupsPageIsListedAndItsCreationIsInTheAuditTrail() {
    open("#/groups");
    WebElement form = await(ExpectedConditions.presenceOfElementLocated(By.id("group-form")));
    form.findElement(By.name("groupId")).sendKeys("made-in-console");
    form.findElement(By.name("appKey")).sendKeys("console-key");
    form.findElement(By.name("description")).sendKeys("from the browser");
    form.findElement(By.cssSelector("button[type=submit]")).click();
    await(ExpectedConditions.textToBe(By.id("flash"), "group made-in-console created: workers may join it now"));
    await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#groups tr[data-group='made-in-console']"),
        "from the browser"));

    open("#/audit");
    await(ExpectedConditions.textToBePresentInElementLocated(By.id("audit"), "group made-in-console"));
    assertThat(text(By.id("audit"))).contains("console", "rest", "create");
  }
}
