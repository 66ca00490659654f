package dev.prebundled.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a sample of durations in milliseconds, for benchmark reports. */
public record Stats(int count, double min, double median, double p90, double p99, double max, double total) {

  public static Stats of(List<Double> millis) {
    double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (sorted.length == 0) throw new IllegalArgumentException("no samples");
    return new Stats(sorted.length, sorted[0], quantile(sorted, 0.5), quantile(sorted, 0.9), quantile(sorted, 0.99),
        sorted[sorted.length - 1], Arrays.stream(sorted).sum());
  }

  private static double quantile(double[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  public String row(String name) {
    return String.format("| %s | %d | %.2f | %.2f | %.2f | %.2f–%.2f | %.0f |", name, count, median, p90, p99, min, max, total);
  }

  public static String header() {
    return "| what | n | median ms | p90 ms | p99 ms | range ms | total ms |\n|---|---|---|---|---|---|---|";
  }
}
