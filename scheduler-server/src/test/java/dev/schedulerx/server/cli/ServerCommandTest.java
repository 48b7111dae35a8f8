package dev.schedulerx.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line in-process, with captured output: exit codes and the one line a user sees. */
class ServerCommandTest {
  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private Run run(Map<String, String> env, Properties props, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = ServerCommand.commandLine(env, props);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  private Run run(String... args) {
    return run(Map.of(), home(), args);
  }

  private Properties home() {
    Properties props = new Properties();
    props.setProperty("schedulerx.home", dir.toString());
    return props;
  }

  private Path conf(String text) throws Exception {
    return Files.writeString(dir.resolve("server.conf"), text);
  }

  @Test
  void anUnknownKeyIsNamedWithItsLineAndExitCode2() throws Exception {
    Path conf = conf("schedulerx-server {\n  http-prot = 1\n}\n");

    Run r = run("--conf", conf.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo("error: unknown key schedulerx-server.http-prot (line 2) in " + conf
            + ": check the spelling against the keys documented in conf/server.conf");
  }

  @Test
  void aNegativeMaxResumesIsNamedWithExitCode2() throws Exception {
    Path conf = conf("""
        schedulerx-server {
          groups = [{ namespace = default, group-id = examples, app-key = local-dev-key }]
          resume.max-resumes = -1
        }
        """);

    Run r = run("--conf", conf.toString(), "check-config");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("schedulerx-server.resume.max-resumes").contains("must not be negative");
  }

  @Test
  void anUnknownTopLevelBlockIsAnUnknownKey() throws Exception {
    Path conf = conf("schedulerx { group-id = x }\n");

    Run r = run("--conf", conf.toString(), "check-config");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: unknown key schedulerx (line 1)");
  }

  @Test
  void aMissingFileIsNamedWithExitCode2() {
    Path missing = dir.resolve("nope.conf");

    Run r = run("--conf", missing.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo("error: config file " + missing + " not found: pass an existing file with --conf (e.g. --conf conf/server.conf)");
  }

  @Test
  void aBadValueIsOneLineNamingTheKey() throws Exception {
    Path conf = conf("schedulerx-server {\n  http-port = 70000\n}\n");

    Run r = run("--conf", conf.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("schedulerx-server.http-port").contains("between 0 and 65535");
  }

  @Test
  void aServerOnAllInterfacesWithoutATokenRefusesToStartNamingTheTokenAndTheOptOut() throws Exception {
    Path conf = conf("schedulerx-server {\n  host = \"0.0.0.0\"\n  http-port = 0\n  groups = [{ group-id = g, app-key = k }]\n}\n");

    Run r = run("--conf", conf.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).startsWith("error: ").contains("schedulerx-server.api-token").contains("\"0.0.0.0\"")
        .contains("SCHEDULERX_SERVER_API_TOKEN").contains("schedulerx-server.allow-open-api = true");
    assertThat(run("--conf", conf.toString(), "check-config").exitCode()).isEqualTo(2);
  }

  @Test
  void anUnknownSystemPropertyOrABadEnvironmentValueIsAnError() throws Exception {
    Path conf = conf("schedulerx-server.groups = [{ group-id = g, app-key = k }]");
    Properties props = home();
    props.setProperty("schedulerx-server.http-prot", "1");

    Run unknown = run(Map.of(), props, "--conf", conf.toString(), "check-config");
    Run badEnv = run(Map.of("SCHEDULERX_SERVER_HTTP_PORT", "lots"), home(), "--conf", conf.toString(), "check-config");

    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("error: unknown key schedulerx-server.http-prot in system properties");
    assertThat(badEnv.exitCode()).isEqualTo(2);
    assertThat(badEnv.err()).contains("SCHEDULERX_SERVER_HTTP_PORT").contains("schedulerx-server.http-port");
  }

  @Test
  void systemPropertiesBeatEnvironmentWhichBeatsTheFile() throws Exception {
    Path conf = conf("""
        schedulerx-server {
          http-port = 1000
          remoting-port = 1000
          host = "10.0.0.1"
          allow-open-api = true
          groups = [{ group-id = g, app-key = k }]
        }
        """);
    Properties props = home();
    props.setProperty("schedulerx-server.http-port", "3000");
    Map<String, String> env = Map.of("SCHEDULERX_SERVER_HTTP_PORT", "2000", "SCHEDULERX_SERVER_REMOTING_PORT", "2001");

    Run r = run(env, props, "--conf", conf.toString(), "check-config");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("http:       10.0.0.1:3000").contains("remoting:   10.0.0.1:2001");
  }

  @Test
  void checkConfigPrintsTheEffectiveSettingsWithoutPasswords() throws Exception {
    Path conf = conf("""
        schedulerx-server {
          database { url = "jdbc:postgresql://db:5432/sx?password=hunter2", user = sx, password = s3cret }
          groups = [{ namespace = default, group-id = examples, app-key = local-dev-key }]
        }
        """);

    Run r = run("--conf", conf.toString(), "check-config");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(String.join(System.lineSeparator(),
        "config " + conf + " is valid",
        "  http:       127.0.0.1:18080",
        "  remoting:   127.0.0.1:any free port",
        "  database:   jdbc:postgresql://db:5432/sx?password=*** (user sx, pool 8)",
        "  resume:     on, at most 3 hand-over(s) per instance",
        "  groups:     [default/examples]",
        "  alerting:   on, channels []",
        ""));
  }

  @Test
  void theShippedConfIsValid() {
    Path shipped = Path.of("..", "conf", "server.conf").toAbsolutePath().normalize();

    Run r = run("--conf", shipped.toString(), "check-config");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("groups:     [default/examples]").contains("http:       127.0.0.1:18080");
  }

  @Test
  void versionAndHelp() {
    assertThat(run("--version").out().strip()).isEqualTo("schedulerx-server 0.1.0");
    Run help = run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("--conf").contains("check-config");
  }

  @Test
  void anUnreachableDatabaseFailsTheStartWithExitCode1() throws Exception {
    Path conf = conf("""
        schedulerx-server {
          http-port = 0
          database { url = "jdbc:postgresql://127.0.0.1:1/sx", user = sx, password = s3cret }
          groups = [{ group-id = g, app-key = k }]
        }
        """);

    Run r = run("--conf", conf.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: cannot open database jdbc:postgresql://127.0.0.1:1/sx: ").doesNotContain("s3cret");
  }
}
