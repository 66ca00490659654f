package dev.prebundled.esbuild;

import java.util.List;
import java.util.Optional;

/**
 * What one esbuild build returned: errors and warnings, the output files when the build was asked
 * not to write them, and the metafile JSON when {@code --metafile} was given. A build with errors
 * is still a result, not an exception: the caller decides what a failed build means.
 */
public record BuildResult(
    List<Message> errors, List<Message> warnings, List<OutputFile> outputFiles, String metafileJson) {

  public BuildResult {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
    outputFiles = List.copyOf(outputFiles);
  }

  public boolean succeeded() {
    return errors.isEmpty();
  }

  public Optional<String> metafile() {
    return Optional.ofNullable(metafileJson);
  }
}
