// Compares what a browser got for one import through Vite's own optimizer and through prebundled.
//
// A probe result (made in the page by runner.js) is:
//   { error?: string, errors: string[], failedRequests: string[],
//     value?: { exports: {name: type}, defaultType: string, defaultKeys?: string[], defaultKeyCount?: number } }
// for each importer kind: "js" (a .js file of an app without "type": "module": Vite's default CJS
// interop) and "mjs" (an .mjs importer: Vite's Node-mode interop, as in apps with "type": "module").

export const VARIANTS = /** @type {const} */ (['js', 'mjs'])
export const VARIANT_LABEL = { js: '.js importer', mjs: '.mjs importer' }

/** How many names a difference lists before "and N more". */
const LIST_LIMIT = 12

/**
 * @typedef {{ exports: Record<string, string>, defaultType: string, defaultKeys?: string[], defaultKeyCount?: number }} ProbeValue
 * @typedef {{ error?: string, errors: string[], failedRequests: string[], value?: ProbeValue }} ProbeResult
 * @typedef {{ status: 'same' | 'differs' | 'fails', differences: string[], failures: string[] }} Comparison
 */

/** @param {string[]} names */
export function listNames(names) {
  const shown = names.slice(0, LIST_LIMIT).map((n) => (/^[A-Za-z_$][\w$]*$/.test(n) ? n : JSON.stringify(n)))
  return names.length > LIST_LIMIT ? `${shown.join(', ')} and ${names.length - LIST_LIMIT} more` : shown.join(', ')
}

/**
 * The differences between two successful probe values, as stable sentences.
 * @param {ProbeValue} vite
 * @param {ProbeValue} pb
 * @returns {string[]}
 */
export function diffValues(vite, pb) {
  const out = []
  const viteNames = Object.keys(vite.exports).sort()
  const pbNames = Object.keys(pb.exports).sort()
  const onlyVite = viteNames.filter((n) => !Object.hasOwn(pb.exports, n))
  const onlyPb = pbNames.filter((n) => !Object.hasOwn(vite.exports, n))
  if (onlyVite.length) out.push(`missing exports (${onlyVite.length}): ${listNames(onlyVite)}`)
  if (onlyPb.length) out.push(`extra exports (${onlyPb.length}): ${listNames(onlyPb)}`)
  const typeChanges = viteNames
    .filter((n) => n !== "default" && Object.hasOwn(pb.exports, n) && pb.exports[n] !== vite.exports[n])
    .map((n) => `${n} is ${pb.exports[n]} (Vite: ${vite.exports[n]})`)
  if (typeChanges.length) out.push(`export types differ: ${typeChanges.slice(0, LIST_LIMIT).join(', ')}${typeChanges.length > LIST_LIMIT ? ` and ${typeChanges.length - LIST_LIMIT} more` : ''}`)
  if (vite.defaultType !== pb.defaultType) {
    out.push(`default is ${pb.defaultType} (Vite: ${vite.defaultType})`)
  } else if (vite.defaultKeys || pb.defaultKeys) {
    const vk = new Set(vite.defaultKeys ?? [])
    const pk = new Set(pb.defaultKeys ?? [])
    const missing = [...vk].filter((k) => !pk.has(k)).sort()
    const extra = [...pk].filter((k) => !vk.has(k)).sort()
    if (missing.length) out.push(`default lacks keys (${missing.length}): ${listNames(missing)}`)
    if (extra.length) out.push(`default has extra keys (${extra.length}): ${listNames(extra)}`)
    if (!missing.length && !extra.length && vite.defaultKeyCount !== pb.defaultKeyCount) {
      out.push(`default has ${pb.defaultKeyCount} keys (Vite: ${vite.defaultKeyCount})`)
    }
  }
  return out
}

/**
 * Compares one importer kind of one import.
 * @param {ProbeResult | undefined} vite
 * @param {ProbeResult | undefined} pb
 * @returns {Comparison}
 */
export function compareProbe(vite, pb) {
  const failures = []
  const differences = []
  if (!vite) failures.push('Vite: no result (the page did not finish)')
  if (!pb) failures.push('prebundled: no result (the page did not finish)')
  if (!vite || !pb) return { status: 'fails', differences, failures }
  if (pb.error) failures.push(`prebundled: ${pb.error}`)
  if (vite.error) failures.push(`Vite: ${vite.error}`)
  if (failures.length) return { status: 'fails', differences, failures }
  differences.push(...diffValues(/** @type {ProbeValue} */ (vite.value), /** @type {ProbeValue} */ (pb.value)))
  const newErrors = extraMessages(vite.errors, pb.errors)
  if (newErrors.length) differences.push(`console errors only with prebundled: ${newErrors.map(quote).join('; ')}`)
  const newFailed = extraMessages(vite.failedRequests, pb.failedRequests)
  if (newFailed.length) differences.push(`failed requests only with prebundled: ${newFailed.map(quote).join('; ')}`)
  return { status: differences.length ? 'differs' : 'same', differences, failures }
}

/** @param {string} s */
function quote(s) {
  const one = s.replace(/\s+/g, ' ').trim()
  return `"${one.length > 160 ? one.slice(0, 157) + '...' : one}"`
}

/**
 * Messages of `b` beyond those of `a` (compared after normalization, as multisets).
 * @param {string[]} a @param {string[]} b
 */
export function extraMessages(a = [], b = []) {
  const counts = new Map()
  for (const m of a) counts.set(normalizeMessage(m), (counts.get(normalizeMessage(m)) ?? 0) + 1)
  const extra = []
  for (const m of b) {
    const key = normalizeMessage(m)
    const n = counts.get(key) ?? 0
    if (n > 0) counts.set(key, n - 1)
    else extra.push(normalizeMessage(m))
  }
  return extra
}

/**
 * Makes a browser message comparable across the two servers and across runs: no origin, no
 * `?v=` hashes, no temp or cache paths, no line:column.
 * @param {string} message
 */
export function normalizeMessage(message) {
  return String(message)
    .replace(/https?:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+/g, '')
    .replace(/[?&]v=[0-9a-f]+/g, '')
    .replace(/\/@fs\/\S*?\/(node_modules|v1)\//g, '/$1/')
    .replace(/\/tmp\/prebundled-fidelity-[^/\s]+/g, '<tmp>')
    .replace(/:\d+:\d+\b/g, '')
    .trim()
}

/**
 * Compares every importer kind of one row; the row's status is the worst of them.
 * @param {Record<string, ProbeResult>} vite by variant
 * @param {Record<string, ProbeResult>} pb by variant
 * @param {readonly string[]} variants
 */
export function compareRow(vite, pb, variants = VARIANTS) {
  /** @type {Record<string, Comparison>} */
  const byVariant = {}
  for (const v of variants) byVariant[v] = compareProbe(vite?.[v], pb?.[v])
  return byVariant
}

/**
 * Turns per-variant comparisons into a flat list of findings, each prefixed with its importer
 * kind unless it is the same for every kind.
 * @param {Record<string, Comparison>} byVariant
 * @param {'differences' | 'failures'} field
 */
export function mergeFindings(byVariant, field) {
  const variants = Object.keys(byVariant)
  const all = new Map()
  for (const v of variants) for (const f of byVariant[v][field]) all.set(f, [...(all.get(f) ?? []), v])
  return [...all].map(([f, vs]) => (vs.length === variants.length ? f : `[${vs.map((x) => VARIANT_LABEL[x] ?? x).join(', ')}] ${f}`))
}

/**
 * Applies the allowlist to a row: returns the row's final status.
 * @param {{ specifier: string, pkg: { name: string, version: string } }} row
 * @param {Record<string, Comparison>} byVariant
 * @param {AllowEntry[]} allowlist
 * @returns {{ status: 'same' | 'allowed' | 'differs' | 'fails', differences: string[], failures: string[], allowed: { text: string, reason: string }[] }}
 */
export function finalStatus(row, byVariant, allowlist = []) {
  const failures = mergeFindings(byVariant, 'failures')
  const differences = mergeFindings(byVariant, 'differences')
  if (failures.length) return { status: 'fails', differences, failures, allowed: [] }
  if (!differences.length) return { status: 'same', differences, failures, allowed: [] }
  const entries = allowlist.filter((e) => e.specifier === row.specifier && (!e.version || e.version === row.pkg.version))
  const allowed = []
  const left = []
  for (const d of differences) {
    const entry = entries.find((e) => e.differences.includes(d))
    if (entry) {
      entry.used = true
      allowed.push({ text: d, reason: entry.reason })
    } else left.push(d)
  }
  if (left.length) return { status: 'differs', differences: left, failures, allowed }
  return { status: 'allowed', differences: [], failures, allowed }
}

/**
 * @typedef {{ specifier: string, version?: string, differences: string[], reason: string, used?: boolean }} AllowEntry
 */

/**
 * Parses the allowlist file: {"entries": [{specifier, version?, differences: [exact text], reason}]}.
 * @param {string} text @param {string} where
 * @returns {AllowEntry[]}
 */
export function parseAllowlist(text, where = 'the allowlist') {
  const json = JSON.parse(text)
  if (!json || !Array.isArray(json.entries)) throw new Error(`${where} must be an object with an "entries" array`)
  return json.entries.map((e, i) => {
    const at = `${where}: entries[${i}]`
    if (typeof e.specifier !== 'string' || !e.specifier) throw new Error(`${at}.specifier must be an import specifier`)
    if (!Array.isArray(e.differences) || e.differences.length === 0 || e.differences.some((d) => typeof d !== 'string')) {
      throw new Error(`${at}.differences must list the exact difference texts that are allowed`)
    }
    if (typeof e.reason !== 'string' || e.reason.trim().length < 10) throw new Error(`${at}.reason must explain why the difference is deliberate`)
    if (e.version !== undefined && typeof e.version !== 'string') throw new Error(`${at}.version must be a version string`)
    return { specifier: e.specifier, version: e.version, differences: e.differences, reason: e.reason.trim() }
  })
}
