package dev.schedulerx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schedulerx.e2e.Distribution.Daemon;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
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
 * The console's workflow pages in headless Chromium against a daemon started through bin/ with its embedded server:
 * a workflow a,b → c is run from its page and the run's DAG turns every node SUCCESS, live, each node linking to its
 * instance. The run page is saved for docs/ (-Dconsole.workflow.screenshot=docs/console-workflow.png).
 */
@Tag("browser")
class WorkflowConsoleBrowserTest {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path dir;
  static String console;
  static Daemon daemon;
  static WebDriver browser;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws Exception {
    if (!new File(CHROMEDRIVER).canExecute() || !new File(CHROMIUM).canExecute()) {
      throw new IllegalStateException(CHROMIUM + " and " + CHROMEDRIVER + " are needed: apt-get install chromium chromium-driver");
    }
    dir = Files.createTempDirectory("sx-e2e-wf-console");
    Path plugins = Distribution.pluginsWithExamples(dir);
    int httpPort = Distribution.freePort();
    Path conf = dir.resolve("worker.conf");
    Files.writeString(conf, """
        schedulerx {
          group-id = "wf"
          app-key = "wf-key"
          plugins-dir = "%s"
          data-dir = "%s"
          server.http-port = %d
          jobs {
            a { processor = "HelloWorld" }
            b { processor = "HelloWorld" }
            c { processor = "HelloWorld" }
            d { processor = "HelloWorld" }
            e { processor = "HelloWorld" }
            f { processor = "HelloWorld" }
          }
        }
        """.formatted(plugins, dir.resolve("data"), httpPort));
    daemon = Daemon.start(conf, dir.resolve("daemon.log"), Duration.ofSeconds(90));
    console = "http://127.0.0.1:" + httpPort;
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--user-data-dir=" + dir.resolve("chromium-profile"), "--window-size=1280,900");
    browser = new ChromeDriver(service, options);
    browser.manage().window().setSize(new Dimension(1280, 900));
    wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class); // the run page repaints while it polls
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (daemon != null) {
      daemon.close();
    }
    if (dir != null) {
      Distribution.deleteTree(dir);
    }
  }

  private static JsonNode http(String method, String path, String body) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(console + path))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void aRunStartedFromTheWorkflowPageIsDrawnLiveUntilEveryNodeSucceeded() throws Exception {
    long a = http("GET", "/api/v1/jobs/a", null).path("id").asLong();
    long b = http("GET", "/api/v1/jobs/b", null).path("id").asLong();
    long c = http("GET", "/api/v1/jobs/c", null).path("id").asLong();
    long id = http("POST", "/api/v1/workflows", "{\"group\":\"wf\",\"name\":\"fan-in\",\"dag\":{\"nodes\":[{\"id\":" + a
        + "},{\"id\":" + b + "},{\"id\":" + c + "}],\"edges\":[{\"source\":" + a + ",\"target\":" + c + "},{\"source\":" + b
        + ",\"target\":" + c + "}]}}").path("id").asLong();

    browser.get(console + "/console/#/workflows");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "fan-in"));
    browser.get(console + "/console/#/workflows/" + id);
    wait.until(d -> d.findElement(By.id("run-workflow"))).click();

    wait.until(ExpectedConditions.urlMatches("#/workflow-instances/\\d+$"));
    for (String node : new String[] {"a", "b", "c"}) {
      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("svg.dag g[data-node='" + node + "'][data-state='SUCCESS']")));
    }
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("h1 .state"), "SUCCESS"));
    assertThat(browser.findElements(By.cssSelector("svg.dag line"))).hasSize(2);
    assertThat(browser.findElements(By.cssSelector("svg.dag a[href^='#/instances/']"))).hasSize(3);
    Path target = Path.of(System.getProperty("console.workflow.screenshot", "target/console-workflow.png"));
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.write(target, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void aWorkflowCreatedWithTheFormKeepsItsConditionNodeAndRunsTheChosenBranch() throws Exception {
    long d = http("GET", "/api/v1/jobs/d", null).path("id").asLong();
    long e = http("GET", "/api/v1/jobs/e", null).path("id").asLong();
    long f = http("GET", "/api/v1/jobs/f", null).path("id").asLong();
    String dag = "{\"nodes\":[{\"id\":" + d + "},{\"id\":-1,\"type\":\"condition\",\"name\":\"d-ok\",\"when\":"
        + "\"all-succeeded\",\"then\":[" + e + "]},{\"id\":" + e + ",\"parameters\":\"from-the-dag\"},{\"id\":" + f
        + "}],\"edges\":[{\"source\":" + d + ",\"target\":-1},{\"source\":-1,\"target\":" + e + "},{\"source\":-1,"
        + "\"target\":" + f + "}]}";

    browser.get(console + "/console/#/workflows");
    WebElement form = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("workflow-form")));
    form.findElement(By.name("group")).sendKeys("wf");
    form.findElement(By.name("name")).sendKeys("made-in-form");
    WebElement dagField = form.findElement(By.name("dag"));
    dagField.clear();
    dagField.sendKeys(dag);
    form.findElement(By.name("enabled")).click();
    form.findElement(By.id("save-workflow")).click();

    wait.until(ExpectedConditions.urlMatches("#/workflows/\\d+$"));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("svg.dag g[data-node='\u25c7 d-ok']")));
    JsonNode saved = http("GET", "/api/v1/workflows/made-in-form", null);
    assertThat(saved.path("enabled").asBoolean()).isTrue();
    assertThat(saved.path("dagJson").asText()).contains("\"type\":\"condition\"").contains("\"parameters\":\"from-the-dag\"");

    wait.until(dr -> dr.findElement(By.id("run-workflow"))).click();
    wait.until(ExpectedConditions.urlMatches("#/workflow-instances/\\d+$"));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("svg.dag g[data-node='e'][data-state='SUCCESS']")));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("svg.dag g[data-node='f'][data-state='SKIPPED']")));
    wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("svg.dag g[data-node='\u25c7 d-ok = true'][data-state='SUCCESS']")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("h1 .state"), "SUCCESS"));
  }
}
