// Plugin options: the seed's knobs (knobs.json, the single source of truth) plus the plugin's
// own few options. Knobs may come from the plugin options (nested) or from where the seed wrote
// them in the Vite config; both are validated against knobs.json with errors naming the full key.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const knobsFile = fileURLToPath(new URL('../knobs.json', import.meta.url))

/** @type {Record<string, KnobSpec>} */
export const KNOBS = JSON.parse(fs.readFileSync(knobsFile, 'utf8')).knobs

/**
 * @typedef {{ type: 'boolean'|'integer'|'number'|'string'|'codes'|'enum'|'enum[]',
 *   min?: number, max?: number, values?: string[], default: unknown, doc?: string }} KnobSpec
 */

/** The plugin's own options (not knobs), with their specs in knobs.json's format. */
export const PLUGIN_OPTIONS = {
  jar: { type: 'string', default: undefined, doc: 'Path of prebundled.jar (else env PREBUNDLED_JAR).' },
  java: { type: 'string', default: undefined, doc: 'java executable (else $JAVA_HOME/bin/java, else java on PATH).' },
  importmap: { type: 'enum', values: ['warn', 'remove', 'off'], default: 'warn', doc: 'What to do with import map entries that shadow installed packages.' },
  startTimeout: { type: 'integer', min: 1000, max: 600000, default: 30000, doc: 'ms to wait for a daemon the plugin started.' },
}

/** Top-level groups of knobs as they appear in the plugin options (`optimizeDeps`, `server`, ...). */
const KNOB_GROUPS = new Set(Object.keys(KNOBS).map((key) => key.split('.')[0]))

/**
 * Where the seed wrote knobs in the Vite config: [path in the Vite config, knob prefix].
 * Only the knob keys under these paths are read; Vite's own keys next to them are left alone.
 */
export const SEED_LOCATIONS = [
  ['optimizeDeps', 'optimizeDeps', ['sequential', 'maxConcurrent', 'memoryLimit', 'cpuLimit', 'cacheDir']],
  ['optimizeDeps.cacheStrategy', 'cacheStrategy'],
  ['cacheStrategy', 'cacheStrategy'],
  ['server.processLimits', 'server.processLimits'],
  ['server.healthCheck', 'server.healthCheck'],
  ['server.resourceManagement', 'server.resourceManagement'],
  ['logger', 'logger'],
  ['cacheInvalidation', 'cacheInvalidation'],
  ['retryStrategy', 'retryStrategy'],
  ['errorHandling', 'errorHandling'],
]

const ERROR_CODE_RE = /^[A-Z][A-Z0-9_]*$/

/** An error in the user's options; its message names the key. */
export class OptionsError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(`prebundled: ${message}`)
    this.name = 'OptionsError'
  }
}

/**
 * Checks one value against its spec and returns an error text, or null when it is valid.
 * @param {string} key full key, e.g. `optimizeDeps.maxConcurrent`
 * @param {unknown} value
 * @param {KnobSpec} spec
 * @returns {string | null}
 */
export function checkKnobValue(key, value, spec) {
  const got = `got ${describeValue(value)}`
  switch (spec.type) {
    case 'boolean':
      return typeof value === 'boolean' ? null : `${key} must be true or false, ${got}`
    case 'integer':
      return Number.isInteger(value) && /** @type {number} */ (value) >= spec.min && /** @type {number} */ (value) <= spec.max
        ? null
        : `${key} must be an integer from ${spec.min} to ${spec.max}, ${got}`
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= spec.min && value <= spec.max
        ? null
        : `${key} must be a number from ${spec.min} to ${spec.max}, ${got}`
    case 'string':
      return typeof value === 'string' && value.length > 0 ? null : `${key} must be a non-empty string, ${got}`
    case 'enum':
      return spec.values.includes(/** @type {string} */ (value))
        ? null
        : `${key} must be one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}, ${got}`
    case 'enum[]': {
      const bad = Array.isArray(value) ? value.find((v) => !spec.values.includes(v)) : undefined
      if (Array.isArray(value) && bad === undefined) return null
      return `${key} must be an array of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}, ${got}` +
        (Array.isArray(value) ? ` (${describeValue(bad)} is not one of them)` : '')
    }
    case 'codes': {
      const bad = Array.isArray(value) ? value.find((v) => typeof v !== 'string' || !ERROR_CODE_RE.test(v)) : undefined
      if (Array.isArray(value) && bad === undefined) return null
      return `${key} must be an array of error codes such as "ETIMEDOUT" (upper case letters, digits, _), ${got}` +
        (Array.isArray(value) ? ` (${describeValue(bad)} is not one)` : '')
    }
    default:
      return `${key} has an unknown type ${spec.type} in knobs.json`
  }
}

/** @param {unknown} value */
function describeValue(value) {
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return 'a function'
  try {
    const text = JSON.stringify(value)
    return text.length > 60 ? text.slice(0, 57) + '...' : text
  } catch {
    return String(value)
  }
}

/**
 * Flattens nested knob objects into `{ 'a.b.c': value }`, checking that every key exists.
 * @param {Record<string, unknown>} nested
 * @param {string} prefix key prefix of `nested` (`''` for the top)
 * @param {string[]} known the full keys allowed here
 * @param {Record<string, unknown>} into
 * @param {string} where text for errors, e.g. `the plugin options` or `the Vite config`
 */
function flattenKnobs(nested, prefix, known, into, where) {
  if (!isPlainObject(nested)) {
    throw new OptionsError(`${prefix} must be an object, got ${describeValue(nested)}`)
  }
  for (const [name, value] of Object.entries(nested)) {
    const key = prefix ? `${prefix}.${name}` : name
    if (value === undefined) continue
    if (known.includes(key)) {
      into[key] = value
    } else if (known.some((k) => k.startsWith(key + '.'))) {
      flattenKnobs(/** @type {Record<string, unknown>} */ (value), key, known, into, where)
    } else {
      throw new OptionsError(`unknown option ${key} in ${where}${didYouMean(key, known)}`)
    }
  }
}

/**
 * " (did you mean x?)" when a known key is close to `key`, else "".
 * @param {string} key
 * @param {string[]} candidates
 */
export function didYouMean(key, candidates) {
  const leaf = key.split('.').pop().toLowerCase()
  let best = null
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const whole = levenshtein(key.toLowerCase(), candidate.toLowerCase())
    const byLeaf = levenshtein(leaf, candidate.split('.').pop().toLowerCase()) +
      (samePrefix(key, candidate) ? 0 : 2)
    const distance = Math.min(whole, byLeaf)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  const limit = Math.max(2, Math.floor(leaf.length / 3))
  return best !== null && bestDistance <= limit ? ` (did you mean ${best}?)` : ''
}

/** @param {string} a @param {string} b */
function samePrefix(a, b) {
  return a.split('.').slice(0, -1).join('.') === b.split('.').slice(0, -1).join('.')
}

/** @param {string} a @param {string} b */
function levenshtein(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * @param {Record<string, unknown>} object
 * @param {string} dotted
 */
function getPath(object, dotted) {
  let value = object
  for (const part of dotted.split('.')) {
    if (!isPlainObject(value)) return undefined
    value = value[part]
  }
  return value
}

/**
 * Reads the knobs the seed placed in the Vite config (`optimizeDeps.maxConcurrent`,
 * `optimizeDeps.cacheStrategy`, `server.processLimits`, `logger`, ...), as flat keys.
 * @param {Record<string, unknown>} viteConfig the user config (as given to the `config` hook)
 * @returns {Record<string, unknown>}
 */
export function seedKnobsFromViteConfig(viteConfig) {
  /** @type {Record<string, unknown>} */
  const flat = {}
  if (!isPlainObject(viteConfig)) return flat
  const allKeys = Object.keys(KNOBS)
  for (const [location, prefix, only] of SEED_LOCATIONS) {
    const value = getPath(viteConfig, location)
    if (value === undefined) continue
    const where = `the Vite config (${location})`
    if (only) {
      if (!isPlainObject(value)) continue
      for (const name of only) {
        if (value[name] !== undefined) flat[`${prefix}.${name}`] = value[name]
      }
      continue
    }
    const known = allKeys.filter((k) => k.startsWith(prefix + '.'))
    /** @type {Record<string, unknown>} */
    const part = {}
    flattenKnobsAt(value, prefix, location, known, part, where)
    Object.assign(flat, part)
  }
  return flat
}

/**
 * Like flattenKnobs, but the errors name the key as written in the Vite config.
 * @param {unknown} value @param {string} prefix @param {string} location
 * @param {string[]} known @param {Record<string, unknown>} into @param {string} where
 */
function flattenKnobsAt(value, prefix, location, known, into, where) {
  if (!isPlainObject(value)) {
    throw new OptionsError(`${location} must be an object, got ${describeValue(value)}`)
  }
  for (const [name, child] of Object.entries(value)) {
    if (child === undefined) continue
    const key = `${prefix}.${name}`
    const shownKey = `${location}.${name}`
    if (known.includes(key)) {
      into[key] = child
    } else if (known.some((k) => k.startsWith(key + '.'))) {
      flattenKnobsAt(child, key, shownKey, known, into, where)
    } else {
      const suggestion = didYouMean(key, known)
      throw new OptionsError(`unknown option ${shownKey} in ${where}${suggestion}`)
    }
  }
}

/**
 * @typedef {object} ResolvedOptions
 * @property {string | undefined} jar
 * @property {string | undefined} java
 * @property {'warn'|'remove'|'off'} importmap
 * @property {number} startTimeout
 * @property {Record<string, unknown>} knobs every knob by full key, defaults applied
 * @property {Set<string>} explicit the knob keys the user set
 */

/**
 * Validates the plugin options and the seed's knobs in the Vite config, applies defaults.
 * Plugin options win over the Vite config when both set a knob.
 * @param {Record<string, unknown>} [pluginOptions]
 * @param {Record<string, unknown>} [viteConfig]
 * @returns {ResolvedOptions}
 */
export function resolveOptions(pluginOptions = {}, viteConfig = {}) {
  if (!isPlainObject(pluginOptions)) {
    throw new OptionsError(`the plugin options must be an object, got ${describeValue(pluginOptions)}`)
  }
  const allKeys = Object.keys(KNOBS)
  /** @type {Record<string, unknown>} */
  const own = {}
  /** @type {Record<string, unknown>} */
  const fromPlugin = {}
  for (const [name, value] of Object.entries(pluginOptions)) {
    if (value === undefined) continue
    if (name in PLUGIN_OPTIONS) {
      own[name] = value
    } else if (KNOB_GROUPS.has(name)) {
      flattenKnobs({ [name]: value }, '', allKeys, fromPlugin, 'the plugin options')
    } else if (name in KNOBS) {
      // a flat dotted key: "did you mean" would only repeat it
      const parts = name.split('.')
      const nested = parts.reduceRight((inner, part) => `{ ${part}: ${inner} }`, '...')
      throw new OptionsError(`unknown option ${name} in the plugin options: knobs are nested, write ${nested}`)
    } else {
      const candidates = [...Object.keys(PLUGIN_OPTIONS), ...KNOB_GROUPS, ...allKeys]
      throw new OptionsError(`unknown option ${name} in the plugin options${didYouMean(name, candidates)}`)
    }
  }
  const fromVite = seedKnobsFromViteConfig(viteConfig)
  const given = { ...fromVite, ...fromPlugin }
  for (const [key, value] of Object.entries(given)) {
    const problem = checkKnobValue(key, value, KNOBS[key])
    if (problem) throw new OptionsError(problem)
  }
  for (const [name, value] of Object.entries(own)) {
    const problem = checkKnobValue(name, value, /** @type {KnobSpec} */ (PLUGIN_OPTIONS[name]))
    if (problem) throw new OptionsError(problem)
  }
  /** @type {Record<string, unknown>} */
  const knobs = {}
  for (const [key, spec] of Object.entries(KNOBS)) {
    knobs[key] = key in given ? given[key] : structuredClone(spec.default)
  }
  checkCrossKnobs(knobs)
  return {
    jar: /** @type {string|undefined} */ (own.jar),
    java: /** @type {string|undefined} */ (own.java),
    importmap: /** @type {'warn'|'remove'|'off'} */ (own.importmap ?? PLUGIN_OPTIONS.importmap.default),
    startTimeout: /** @type {number} */ (own.startTimeout ?? PLUGIN_OPTIONS.startTimeout.default),
    knobs,
    explicit: new Set(Object.keys(given)),
  }
}

/** Rules between knobs that knobs.json cannot express. @param {Record<string, unknown>} knobs */
function checkCrossKnobs(knobs) {
  const heap = /** @type {number} */ (knobs['server.resourceManagement.maxOldSpaceSize'])
  const young = /** @type {number} */ (knobs['server.resourceManagement.maxSemiSpaceSize'])
  if (young >= heap) {
    throw new OptionsError(
      `server.resourceManagement.maxSemiSpaceSize (${young}) must be less than ` +
        `server.resourceManagement.maxOldSpaceSize (${heap}): they become the JVM's -Xmn and -Xmx`,
    )
  }
  const path = /** @type {string} */ (knobs['server.healthCheck.path'])
  if (!path.startsWith('/')) {
    throw new OptionsError(`server.healthCheck.path must start with "/", got ${JSON.stringify(path)}`)
  }
}

/**
 * Turns flat knobs into the nested JSON the daemon takes (`--config` and hello's `settings`),
 * with the path knobs made absolute against the project root.
 * @param {Record<string, unknown>} knobs flat, as in ResolvedOptions.knobs
 * @param {string} root project root
 * @returns {Record<string, any>}
 */
export function toDaemonSettings(knobs, root) {
  /** @type {Record<string, any>} */
  const nested = {}
  for (const [key, value] of Object.entries(knobs)) {
    let v = value
    if (key === 'optimizeDeps.cacheDir' || key === 'logger.file.path') v = path.resolve(root, /** @type {string} */ (value))
    setPath(nested, key, v)
  }
  return nested
}

/** @param {Record<string, any>} object @param {string} dotted @param {unknown} value */
function setPath(object, dotted, value) {
  const parts = dotted.split('.')
  let target = object
  for (const part of parts.slice(0, -1)) target = target[part] ??= {}
  target[parts[parts.length - 1]] = value
}

/**
 * Reads a `--config` style JSON file of nested knobs (as the scripts take) and validates it.
 * @param {string} file
 * @returns {ResolvedOptions}
 */
export function readKnobsFile(file) {
  let json
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (e) {
    throw new OptionsError(`cannot read the config file ${file}: ${/** @type {Error} */ (e).message}`)
  }
  if (!isPlainObject(json)) throw new OptionsError(`${file} must hold a JSON object of knobs`)
  for (const name of Object.keys(json)) {
    if (!KNOB_GROUPS.has(name)) {
      throw new OptionsError(`unknown option ${name} in ${file}${didYouMean(name, [...KNOB_GROUPS, ...Object.keys(KNOBS)])}`)
    }
  }
  return resolveOptions(json, {})
}
