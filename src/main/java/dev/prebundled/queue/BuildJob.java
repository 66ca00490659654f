package dev.prebundled.queue;

import java.util.Optional;

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

  /**
   * What an earlier job for the same key already committed, asked when a worker takes this job.
   * Coalescing only joins jobs still in the queue: a caller that looked for a result just before
   * an identical job committed, and queued just after, is answered from that commit instead of
   * building the same thing twice.
   */
  default Optional<R> alreadyCommitted() {
    return Optional.empty();
  }

  /** A short name for logs and errors, such as {@code react@19.3.1}. */
  String describe();
}
