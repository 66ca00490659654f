// Console lines in Vite's style, through the dev server's logger.
import { createRequire } from 'node:module'

/** @type {{cyan: (s: string) => string, green: (s: string) => string, yellow: (s: string) => string,
 *   dim: (s: string) => string, red: (s: string) => string, bold: (s: string) => string}} */
export const colors = loadColors()

/** picocolors when Vite brings it along, else plain text. */
function loadColors() {
  const plain = (/** @type {string} */ s) => s
  const fallback = { cyan: plain, green: plain, yellow: plain, dim: plain, red: plain, bold: plain }
  try {
    const require = createRequire(import.meta.url)
    const viteEntry = require.resolve('vite')
    return createRequire(viteEntry)('picocolors')
  } catch {
    return fallback
  }
}

const PREFIX = '[prebundled]'

/**
 * A logger that prefixes `[prebundled]` and stamps the time as Vite does.
 * @param {import('vite').Logger} logger
 */
export function createPluginLogger(logger) {
  const options = { timestamp: true }
  return {
    /** @param {string} message */
    info: (message) => logger.info(`${colors.cyan(PREFIX)} ${message}`, options),
    /** @param {string} message */
    warn: (message) => logger.warn(colors.yellow(`${PREFIX} ${message}`), options),
    /** @param {string} message */
    warnOnce: (message) => logger.warnOnce(colors.yellow(`${PREFIX} ${message}`), options),
    /** @param {string} message @param {Error} [error] */
    error: (message, error) => logger.error(colors.red(`${PREFIX} ${message}`), { ...options, error }),
  }
}
