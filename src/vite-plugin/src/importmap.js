// The seed's "remove conflicting importmap": `<script type="importmap">` entries that map a bare
// specifier of a locally installed package elsewhere (a CDN) load a second instance of a library
// next to the local one.
import fs from 'node:fs'
import path from 'node:path'
import { packageNameOf } from './packages.js'

const IMPORTMAP_SCRIPT_RE = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi
const TYPE_IMPORTMAP_RE = /\btype\s*=\s*(?:"importmap"|'importmap'|importmap(?=[\s>/]|$))/i

/**
 * @typedef {{ specifier: string, target: string, scope: string | null, packageName: string,
 *   version: string }} ConflictingEntry
 */

/**
 * The directory of an installed package found from `root` the way Node looks (walking up the
 * node_modules folders), or null.
 * @param {string} name
 * @param {string} root
 */
export function findInstalledPackage(name, root) {
  let dir = path.resolve(root)
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json')
    if (fs.existsSync(candidate)) return path.dirname(candidate)
    const parent = path.dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

/** @param {string} key */
function isBareKey(key) {
  return /^[\w@]/.test(key) && !/^[a-z][a-z0-9+.-]*:/i.test(key)
}

/**
 * The entries of one import map that shadow locally installed packages.
 * @param {{imports?: Record<string, string>, scopes?: Record<string, Record<string, string>>}} map
 * @param {string} root project root
 * @returns {ConflictingEntry[]}
 */
export function findConflictingEntries(map, root) {
  /** @type {ConflictingEntry[]} */
  const found = []
  if (!map || typeof map !== 'object') return found
  /** @param {Record<string, unknown> | undefined} imports @param {string|null} scope */
  const check = (imports, scope) => {
    if (!imports || typeof imports !== 'object') return
    for (const [specifier, target] of Object.entries(imports)) {
      if (typeof target !== 'string' || !isBareKey(specifier)) continue
      const packageName = packageNameOf(specifier.replace(/\/$/, ''))
      const dir = findInstalledPackage(packageName, root)
      if (!dir) continue
      let version = ''
      try {
        version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version ?? ''
      } catch {}
      found.push({ specifier, target, scope, packageName, version })
    }
  }
  check(map.imports, null)
  const scopes = map.scopes && typeof map.scopes === 'object' ? map.scopes : {}
  for (const [scope, imports] of Object.entries(scopes)) check(imports, scope)
  return found
}

/**
 * Finds the import maps of an HTML page and the entries of them that shadow installed packages;
 * with `remove`, returns the HTML without those entries (and without a script left empty).
 * @param {string} html
 * @param {string} root project root (where packages are looked up)
 * @param {{remove?: boolean}} [options]
 * @returns {{html: string, conflicts: ConflictingEntry[], errors: string[]}}
 */
export function processImportMaps(html, root, options = {}) {
  /** @type {ConflictingEntry[]} */
  const conflicts = []
  /** @type {string[]} */
  const errors = []
  const out = html.replace(IMPORTMAP_SCRIPT_RE, (whole, attributes, body) => {
    if (!TYPE_IMPORTMAP_RE.test(attributes)) return whole
    let map
    try {
      map = JSON.parse(body)
    } catch (e) {
      errors.push(`an import map is not valid JSON: ${/** @type {Error} */ (e).message}`)
      return whole
    }
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      errors.push(`an import map must be a JSON object, got ${Array.isArray(map) ? 'an array' : JSON.stringify(map)}`)
      return whole
    }
    const found = findConflictingEntries(map, root)
    conflicts.push(...found)
    if (!options.remove || found.length === 0) return whole
    const cleaned = withoutEntries(map, found)
    if (isEmptyImportMap(cleaned)) return ''
    return `<script${attributes}>${indentLike(body, JSON.stringify(cleaned, null, 2))}</script>`
  })
  return { html: options.remove ? out : html, conflicts, errors }
}

/** @param {any} map @param {ConflictingEntry[]} entries */
function withoutEntries(map, entries) {
  const copy = structuredClone(map)
  for (const entry of entries) {
    const imports = entry.scope === null ? copy.imports : copy.scopes?.[entry.scope]
    if (imports) delete imports[entry.specifier]
    if (entry.scope !== null && copy.scopes && Object.keys(copy.scopes[entry.scope] ?? {}).length === 0) {
      delete copy.scopes[entry.scope]
    }
  }
  if (copy.imports && Object.keys(copy.imports).length === 0) delete copy.imports
  if (copy.scopes && Object.keys(copy.scopes).length === 0) delete copy.scopes
  return copy
}

/** @param {any} map */
function isEmptyImportMap(map) {
  return Object.keys(map).every((key) => {
    const value = map[key]
    return value && typeof value === 'object' && Object.keys(value).length === 0
  })
}

/** Keeps the original's leading/trailing whitespace so the page looks the same. @param {string} body @param {string} json */
function indentLike(body, json) {
  const lead = /^\s*/.exec(body)[0]
  const trail = /\s*$/.exec(body)[0]
  const indent = /\n([ \t]*)$/.exec(lead)?.[1] ?? ''
  return lead + json.split('\n').join('\n' + indent) + trail
}

/**
 * One warning line for an entry, naming it.
 * @param {ConflictingEntry} entry
 * @param {string} page
 */
export function describeConflict(entry, page) {
  const where = entry.scope === null ? '' : ` (scope ${JSON.stringify(entry.scope)})`
  const installed = `${entry.packageName}${entry.version ? `@${entry.version}` : ''}`
  return `${page}: import map entry "${entry.specifier}"${where} → ${entry.target} shadows the installed ${installed} ` +
    `(two instances of one library). Set the plugin option importmap: 'remove' to drop it, or 'off' to keep it silently.`
}
