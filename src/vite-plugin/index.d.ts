import type { Plugin } from 'vite'

/** The seed's knobs (knobs.json). Durations in ms, sizes in MB. Every key is optional. */
export interface PrebundledKnobs {
  optimizeDeps?: {
    sequential?: boolean
    maxConcurrent?: number
    memoryLimit?: number
    cpuLimit?: number
    cacheDir?: string
  }
  cacheStrategy?: { persistent?: boolean; maxAge?: number; staleWhileRevalidate?: number; cacheKey?: string }
  cacheInvalidation?: { checkInterval?: number; maxRetries?: number; retryDelay?: number }
  retryStrategy?: { maxAttempts?: number; baseDelay?: number; maxDelay?: number; jitter?: boolean; jitterFactor?: number }
  errorHandling?: { transientErrors?: string[]; permanentErrors?: string[] }
  server?: {
    resourceManagement?: { maxOldSpaceSize?: number; maxSemiSpaceSize?: number; maxFiles?: number; maxWatches?: number }
    processLimits?: { maxConcurrent?: number; queueSize?: number; timeout?: number }
    healthCheck?: {
      path?: string
      interval?: number
      checks?: Array<'cache_status' | 'resource_usage' | 'pending_operations'>
    }
  }
  logger?: {
    level?: 'error' | 'warn' | 'info' | 'debug' | 'trace'
    format?: 'text' | 'json'
    file?: { path?: string; maxSize?: number; maxFiles?: number }
    metrics?: { enabled?: boolean; interval?: number }
  }
}

export interface PrebundledOptions extends PrebundledKnobs {
  /** Path of prebundled.jar, used to start a daemon when none answers (else env PREBUNDLED_JAR). */
  jar?: string
  /** java executable (else $JAVA_HOME/bin/java, else java on PATH). */
  java?: string
  /** Import map entries that shadow installed packages: warn (default), remove them, or say nothing. */
  importmap?: 'warn' | 'remove' | 'off'
  /** ms to wait for a daemon the plugin started (1000..600000, default 30000). */
  startTimeout?: number
}

export class OptionsError extends Error {}
export const KNOBS: Record<string, { type: string; min?: number; max?: number; values?: string[]; default: unknown; doc?: string }>
export const PROTOCOL_VERSION: number
export function resolveOptions(pluginOptions?: PrebundledOptions, viteConfig?: Record<string, unknown>): {
  jar?: string
  java?: string
  importmap: 'warn' | 'remove' | 'off'
  startTimeout: number
  knobs: Record<string, unknown>
  explicit: Set<string>
}
export function isBareImport(id: string): boolean
export function packageRootOf(file: string): string | null
export function packageNameOf(specifier: string): string
export function entrySubpathOf(specifier: string): string
export function processImportMaps(html: string, root: string, options?: { remove?: boolean }): {
  html: string
  conflicts: Array<{ specifier: string; target: string; scope: string | null; packageName: string; version: string }>
  errors: string[]
}

/** The prebundled Vite plugin: hands dependency pre-bundling to the prebundled daemon. */
export default function prebundled(options?: PrebundledOptions): Plugin[]
