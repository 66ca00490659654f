package dev.prebundled.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code prebundled} command line: one subcommand per job. */
@Command(
    name = "prebundled",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Pre-bundles npm dependencies for Vite, one package@version at a time.",
    subcommands = {BundleCommand.class, DaemonCommand.class, StatusCommand.class, StopCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and tests that run it in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** The version from the jar's manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"prebundled " + (version == null ? "dev" : version)};
    }
  }
}
