package dev.prebundled.daemon;

import dev.prebundled.daemon.Messages.ImportSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tiny CommonJS packages {@code pkg-0..n} under an app's node_modules, and the bundle request for one. */
final class FixturePackages {
  private FixturePackages() {}

  static List<Path> write(Path app, int count) throws IOException {
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path dir = app.resolve("node_modules/pkg-" + i);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("package.json"), "{\"name\":\"pkg-" + i + "\",\"version\":\"1.0.0\",\"main\":\"index.js\"}");
      Files.writeString(dir.resolve("helper.js"), "exports.id = " + i + ";\n");
      Files.writeString(dir.resolve("index.js"), "const { id } = require('./helper.js');\nexports.name = 'pkg-' + id;\nexports.id = id;\n");
      dirs.add(dir);
    }
    return dirs;
  }

  static Map<String, Object> bundleParams(Path project, Path packageDir) {
    String name = packageDir.getFileName().toString();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("project", project.toString());
    params.put("mode", "development");
    params.put("imports", List.of(new ImportSpec(name, packageDir.toString(), name, "1.0.0", ".")));
    return params;
  }
}
