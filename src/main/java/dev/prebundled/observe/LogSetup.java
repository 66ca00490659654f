package dev.prebundled.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.prebundled.config.Settings;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Points the daemon's logging at its rolling log file ({@code logger.file.*}, 10 MB x 5 by
 * default), in text or JSON lines ({@code logger.format}), at the configured level. Done in code
 * because the file, sizes and level come from the daemon's configuration, not a static file.
 */
public final class LogSetup {
  private LogSetup() {}

  public static void toRollingFile(Path file, Settings.Logger settings) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName("PREBUNDLED_FILE");
    appender.setFile(file.toString());

    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(context);
    rolling.setParent(appender);
    rolling.setFileNamePattern(file + ".%i");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(Math.max(1, settings.fileMaxFiles()));
    rolling.start();

    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(context);
    trigger.setMaxFileSize(new FileSize((long) settings.fileMaxSizeMb() * FileSize.MB_COEFFICIENT));
    trigger.start();

    appender.setRollingPolicy(rolling);
    appender.setTriggeringPolicy(trigger);
    appender.setEncoder(encoder(context, settings.format()));
    appender.start();

    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    // The console (the daemon's stdout/stderr file, which nothing rolls) keeps warnings and
    // errors only: everything else is in the rolling file, at the configured level.
    root.iteratorForAppenders().forEachRemaining(existing -> {
      if (existing == appender) return;
      ThresholdFilter warnings = new ThresholdFilter();
      warnings.setLevel(Level.WARN.levelStr);
      warnings.start();
      existing.addFilter(warnings);
    });
    Level level = Level.toLevel(settings.level(), Level.INFO);
    root.setLevel(level);
    context.getLogger("dev.prebundled").setLevel(level);
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
    if ("json".equals(format)) {
      // One object per line with the message as written (not its pattern plus arguments).
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      json.setWithFormattedMessage(true);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithContext(false);
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n");
    text.start();
    return text;
  }
}
