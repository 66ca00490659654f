package dev.prebundled.queue;

/**
 * One unit of work for the {@link BuildQueue}: a build that may run in parallel with others and
 * may be retried, and a commit of its result that runs on the single writer thread.
 *
 * @param <B> what the build produces
 * @param <R> what the commit produces and callers receive
 */
public interface BuildJob<B, R> {
  /** Runs on a build worker; may block. Throwing a transient error makes the queue retry it. */
  B build() throws Exception;

  /** Runs on the single writer thread, never concurrently with another commit. */
  R commit(B built) throws Exception;

  /** A short name for logs and errors, such as {@code react@19.3.1}. */
  String describe();
}
