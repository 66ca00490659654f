package dev.prebundled.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prebundled.daemon.Messages.ImportSpec;
import dev.prebundled.rpc.RpcClient;
import dev.prebundled.rpc.RpcException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad requests over the real socket: each gets a structured error (JSON-RPC code plus our code and
 * class), the connection stays usable where the protocol allows, and the daemon keeps serving.
 */
class DaemonProtocolTest {
  @TempDir static Path temp;
  private static DaemonProcess daemon;
  private static Path app;

  @BeforeAll
  static void start() {
    app = ReferenceApp.root();
    daemon = DaemonProcess.start(temp.resolve("cache"), app);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    assertThat(daemon.isAlive()).as("the daemon survived every bad request:\n%s", daemon.log()).isTrue();
    daemon.close();
  }

  private static JsonNode raw(RpcClient client, long id, String line) throws Exception {
    var response = client.expectRaw(id);
    client.sendRaw(line);
    try {
      return response.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      RpcException error = (RpcException) e.getCause();
      return new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
          .put("code", error.rpcCode()).put("message", error.getMessage()).put("dataCode", error.data().code());
    }
  }

  private static ImportSpec react() {
    return ReferenceApp.importsOf(app, List.of("react")).get(0);
  }

  private static JsonNode firstResult(RpcClient client, ImportSpec spec) {
    return client.call("bundle", ReferenceApp.bundleParams(app, List.of(spec)), 60_000).get("results").get(0);
  }

  @Test
  void healthAndMetricsReportTheEsbuildChildsMemoryOnceItRuns() {
    try (RpcClient client = daemon.connect()) {
      assertThat(firstResult(client, react()).has("error")).isFalse();
      JsonNode usage = client.call("health", Map.of(), 10_000).path("checks").path("resource_usage");
      assertThat(usage.path("esbuildMemoryMb").asLong()).as("%s", usage).isPositive();
      String text = client.call("metrics", Map.of(), 10_000).path("text").asText();
      assertThat(text).containsPattern("(?m)^prebundled_esbuild_memory_bytes [1-9]");
    }
  }

  @Test
  void malformedJsonIsAParseErrorAndTheConnectionStaysUsable() throws Exception {
    try (RpcClient client = daemon.connect()) {
      JsonNode error = raw(client, -1, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");
      assertThat(error.path("code").asInt()).isEqualTo(-32700);
      assertThat(client.call("health", Map.of(), 10_000).path("status").asText()).isEqualTo("healthy");
    }
  }

  @Test
  void anUnknownMethodIsMethodNotFound() {
    try (RpcClient client = daemon.connect()) {
      RpcException e = catchThrowableOfType(() -> client.call("explode", Map.of(), 10_000), RpcException.class);
      assertThat(e.rpcCode()).isEqualTo(-32601);
      assertThat(e.getMessage()).contains("explode");
      assertThat(e.data().errorClass()).isEqualTo("permanent");
    }
  }

  @Test
  void missingOrWrongTypedParamsAreInvalidParamsNamingTheField() {
    try (RpcClient client = daemon.connect()) {
      RpcException missing = catchThrowableOfType(() -> client.call("bundle", Map.of("mode", "development"), 10_000), RpcException.class);
      assertThat(missing.rpcCode()).isEqualTo(-32602);
      assertThat(missing.getMessage()).contains("project");
      RpcException wrongType = catchThrowableOfType(
          () -> client.call("bundle", Map.of("project", app.toString(), "imports", "react"), 10_000), RpcException.class);
      assertThat(wrongType.rpcCode()).isEqualTo(-32602);
      assertThat(wrongType.getMessage()).contains("imports");
      RpcException badMode = catchThrowableOfType(
          () -> client.call("bundle", Map.of("project", app.toString(), "mode", "fast", "imports", List.of(react())), 10_000), RpcException.class);
      assertThat(badMode.getMessage()).contains("mode");
    }
  }

  @Test
  void aPackageRootOutsideTheAllowedRootsIsRefused() throws Exception {
    Path elsewhere = temp.resolve("elsewhere/node_modules/react");
    Files.createDirectories(elsewhere);
    Files.copy(Path.of(react().packageRoot()).resolve("package.json"), elsewhere.resolve("package.json"));
    try (RpcClient client = daemon.connect()) {
      ImportSpec outside = new ImportSpec("react", elsewhere.toString(), "react", react().version(), ".");
      JsonNode result = firstResult(client, outside);
      assertThat(result.path("error").path("code").asText()).isEqualTo("BAD_REQUEST");
      assertThat(result.path("error").path("class").asText()).isEqualTo("permanent");
      assertThat(result.path("error").path("message").asText()).contains("outside the allowed roots");
    }
  }

  @Test
  void dotDotInAPackageRootNameOrEntryIsRefused() {
    ImportSpec react = react();
    try (RpcClient client = daemon.connect()) {
      List<ImportSpec> hostile = List.of(
          new ImportSpec("react", react.packageRoot() + "/../react", "react", react.version(), "."),
          new ImportSpec("react/../../etc", react.packageRoot(), "react", react.version(), "./../../etc"),
          new ImportSpec("../react", react.packageRoot(), "../react", react.version(), "."),
          new ImportSpec("react", react.packageRoot(), "react", "../../1.0.0", "."));
      for (ImportSpec spec : hostile) {
        JsonNode result = firstResult(client, spec);
        assertThat(result.path("error").path("code").asText()).as("%s", spec).isEqualTo("BAD_REQUEST");
      }
      // and one good import in the same batch as a bad one is still answered
      JsonNode reply = client.call("bundle", ReferenceApp.bundleParams(app, List.of(hostile.get(1), react)), 60_000);
      assertThat(reply.get("results").get(0).has("error")).isTrue();
      assertThat(Path.of(reply.get("results").get(1).get("file").asText())).isRegularFile();
    }
  }

  @Test
  void aFrameOverOneMebibyteIsRefusedAndTheConnectionStaysUsable() throws Exception {
    try (RpcClient client = daemon.connect()) {
      String huge = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"health\",\"params\":{\"pad\":\"" + "x".repeat(1_100_000) + "\"}}";
      JsonNode error = raw(client, -1, huge);
      assertThat(error.toString()).contains("BAD_REQUEST").contains("1 MiB");
      assertThat(client.call("health", Map.of(), 10_000).path("status").asText()).isEqualTo("healthy");
    }
  }

  @Test
  void aDifferentProtocolVersionIsRefusedNamingBoth() throws Exception {
    try (RpcClient client = RpcClient.connect(daemon.socket())) {
      RpcException e = catchThrowableOfType(() -> client.call("hello", Map.of("protocol", 99), 10_000), RpcException.class);
      assertThat(e.getMessage()).contains("protocol " + Messages.PROTOCOL).contains("99");
    }
  }
}
