package dev.prebundled.queue;

/** Whether someone is waiting: a browser request goes before a background revalidation. */
public enum Priority {
  FOREGROUND,
  BACKGROUND
}
