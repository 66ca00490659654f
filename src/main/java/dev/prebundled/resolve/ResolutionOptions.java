package dev.prebundled.resolve;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The knobs of {@link ModuleResolver}, mirroring Vite's {@code resolve.conditions},
 * {@code resolve.mainFields} and {@code resolve.extensions} plus the mode. {@code conditions} may
 * contain Vite's {@code development|production} token, which becomes {@code production} or
 * {@code development} by {@code production}. As in Vite, {@code import} (or {@code require} for a
 * require-context resolution) and {@code default} always apply on top, and {@code main} is always
 * tried after {@code mainFields}. Order of conditions does not matter: the order of keys in the
 * package's {@code exports} decides, as in Node.
 */
public record ResolutionOptions(
    List<String> conditions,
    List<String> mainFields,
    List<String> extensions,
    boolean production,
    boolean require) {

  /** Vite's {@code DEV_PROD_CONDITION}. */
  public static final String DEV_PROD_CONDITION = "development|production";

  /** Vite 8's {@code DEFAULT_CLIENT_CONDITIONS}. */
  public static final List<String> VITE_CLIENT_CONDITIONS =
      List.of("module", "browser", DEV_PROD_CONDITION);

  /** Vite 8's {@code DEFAULT_CLIENT_MAIN_FIELDS} ({@code main} is appended by the resolver). */
  public static final List<String> VITE_CLIENT_MAIN_FIELDS =
      List.of("browser", "module", "jsnext:main", "jsnext");

  /**
   * Vite 8's {@code DEFAULT_EXTENSIONS}, then {@code .cjs}: Vite itself does not try {@code .cjs},
   * but a package whose extension-less deep import only exists as {@code .cjs} is better resolved
   * than refused, and nothing Vite resolves changes because it comes last.
   */
  public static final List<String> DEFAULT_EXTENSIONS =
      List.of(".mjs", ".js", ".mts", ".ts", ".jsx", ".tsx", ".json", ".cjs");

  public ResolutionOptions {
    conditions = List.copyOf(conditions);
    mainFields = List.copyOf(mainFields);
    extensions = List.copyOf(extensions);
  }

  /** What Vite 8 uses for browser code: in development unless {@code production}. */
  public static ResolutionOptions viteClient(boolean production) {
    return new ResolutionOptions(
        VITE_CLIENT_CONDITIONS, VITE_CLIENT_MAIN_FIELDS, DEFAULT_EXTENSIONS, production, false);
  }

  /** Vite's client defaults with other conditions (for example Vite's {@code resolve.conditions}). */
  /** The same options for development or production (the {@code development|production} condition). */
  public ResolutionOptions withProduction(boolean value) {
    return new ResolutionOptions(conditions, mainFields, extensions, value, require);
  }

  public ResolutionOptions withConditions(List<String> newConditions) {
    return new ResolutionOptions(newConditions, mainFields, extensions, production, require);
  }

  public ResolutionOptions withMainFields(List<String> newMainFields) {
    return new ResolutionOptions(conditions, newMainFields, extensions, production, require);
  }

  /** The set matched against {@code exports}/{@code imports} keys ({@code default} included). */
  public Set<String> conditionSet() {
    Set<String> set = new LinkedHashSet<>();
    for (String condition : conditions) {
      set.add(
          DEV_PROD_CONDITION.equals(condition)
              ? (production ? "production" : "development")
              : condition);
    }
    set.add(require ? "require" : "import");
    set.add("default");
    return Set.copyOf(set);
  }

  /** Whether the {@code browser} field takes part (string entry and object replacement map). */
  public boolean usesBrowserField() {
    return mainFields.contains("browser");
  }
}
