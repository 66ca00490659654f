// From a bare import to the daemon's unit of work: which installed package (root, name,
// version) and which entry of it (`.`, `./client`). The resolution itself is Vite's.
import fs from 'node:fs'
import path from 'node:path'
import { builtinModules } from 'node:module'

const NODE_MODULES = '/node_modules/'
const JS_FILE_RE = /\.[cm]?[jt]sx?$/
const builtins = new Set(builtinModules)

/**
 * Specifiers that belong to Vite or its own runtime helpers, never to the daemon.
 * (`@oxc-project/runtime` helpers are injected and resolved by Vite's oxc plugin.)
 */
const VITE_OWNED_RE = /^(?:vite\/|@vite\/|@oxc-project\/runtime\/|@id\/|@fs\/)/

/**
 * True for a bare import that the plugin may hand to the daemon: a package name, optionally with
 * a subpath, without a query or a URL scheme. Relative, absolute, virtual (`\0`, `virtual:`),
 * URL, `#imports`, `node:` builtins and queried ids (`?url`, `?raw`, ...) are not. A builtin
 * name without `node:` (`events`, `buffer`) is bare: an installed polyfill of that name wins in
 * Vite's resolver, else Vite makes it a browser external.
 * @param {string} id
 */
export function isBareImport(id) {
  if (!/^[\w@]/.test(id)) return false
  if (id.includes('?') || id.includes(':')) return false
  if (VITE_OWNED_RE.test(id)) return false
  return !id.startsWith('@') || /^@[^/]+\/[^/]/.test(id)
}

/** @param {string} id */
export function isBuiltin(id) {
  return id.startsWith('node:') || builtins.has(packageNameOf(id))
}

/**
 * The package name of a bare specifier: `react-dom/client` → `react-dom`,
 * `@mui/material/Button` → `@mui/material`.
 * @param {string} specifier
 */
export function packageNameOf(specifier) {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/**
 * The entry subpath of a specifier, as the daemon takes it: `react` → `.`,
 * `react-dom/client` → `./client`.
 * @param {string} specifier
 */
export function entrySubpathOf(specifier) {
  const name = packageNameOf(specifier)
  const rest = specifier.slice(name.length)
  return rest === '' || rest === '/' ? '.' : '.' + rest
}

/**
 * The package root of a resolved file: the directory after the LAST `node_modules/` segment
 * (`@scope/name` for scoped packages), not the nearest package.json. null when the file is not
 * under node_modules (a linked workspace package, app source).
 * @param {string} file absolute path, forward slashes
 */
export function packageRootOf(file) {
  const normalized = file.replace(/\\/g, '/')
  const at = normalized.lastIndexOf(NODE_MODULES)
  if (at === -1) return null
  const after = normalized.slice(at + NODE_MODULES.length).split('/')
  const depth = after[0]?.startsWith('@') ? 2 : 1
  if (after.length <= depth || after.slice(0, depth).some((p) => p === '')) return null
  return normalized.slice(0, at + NODE_MODULES.length) + after.slice(0, depth).join('/')
}

/** @type {Map<string, {name: string, version: string, mtimeMs: number}>} */
const packageJsonCache = new Map()

/**
 * name and version from `<root>/package.json` (cached while the file is unchanged).
 * @param {string} root
 * @returns {{name: string, version: string}}
 */
export function readPackageIdentity(root) {
  const file = path.join(root, 'package.json')
  const stat = fs.statSync(file, { throwIfNoEntry: false })
  if (!stat) throw new PackageError(`${root} has no package.json`, 'INVALID_PACKAGE')
  const cached = packageJsonCache.get(file)
  if (cached && cached.mtimeMs === stat.mtimeMs) return cached
  let json
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (e) {
    throw new PackageError(`cannot read ${file}: ${/** @type {Error} */ (e).message}`, 'INVALID_PACKAGE')
  }
  const identity = { name: String(json.name ?? ''), version: String(json.version ?? '0.0.0'), mtimeMs: stat.mtimeMs }
  packageJsonCache.set(file, identity)
  return identity
}

/** An error about one import, with a code as the daemon's errors have. */
export class PackageError extends Error {
  /** @param {string} message @param {string} code */
  constructor(message, code) {
    super(message)
    this.name = 'PackageError'
    this.code = code
  }
}

/**
 * @typedef {{ kind: 'package', specifier: string, file: string, packageRoot: string,
 *   name: string, version: string, entry: string }} PackageImport
 * @typedef {{ kind: 'vite', specifier: string, reason: string }} ViteImport
 * @typedef {(id: string, importer: string) => Promise<{id: string, external?: boolean|string} | null>} Resolver
 */

/**
 * Decides what a bare import is, with Vite's own resolver: a package entry for the daemon, or
 * something that stays with Vite (builtins, non-JavaScript files, linked workspace packages,
 * virtual modules). Throws a PackageError naming the specifier and importer when the package
 * is not installed.
 * @param {Resolver} resolve Vite's resolver (`this.resolve` without this plugin)
 * @param {string} specifier bare specifier
 * @param {string} importer the file to resolve from
 * @param {string} [shownImporter] how to name the importer in errors
 * @returns {Promise<PackageImport | ViteImport>}
 */
export async function resolvePackageImport(resolve, specifier, importer, shownImporter = importer) {
  if (specifier.startsWith('node:')) return { kind: 'vite', specifier, reason: 'builtin' }
  let resolved
  try {
    resolved = await resolve(specifier, importer)
  } catch (e) {
    // Vite's own error (e.g. a subpath the exports map does not export) names neither the import
    // nor its importer
    throw new PackageError(
      `Cannot resolve "${specifier}" (imported by ${shownImporter}): ${/** @type {Error} */ (e).message}`,
      'MODULE_NOT_FOUND',
    )
  }
  if (!resolved) {
    if (isBuiltin(specifier)) return { kind: 'vite', specifier, reason: 'builtin' }
    const name = packageNameOf(specifier)
    const installed = installedPackageDir(name, importer)
    if (installed) {
      throw new PackageError(
        `Cannot find "${specifier}" (imported by ${shownImporter}): the package ${name} is installed ` +
          `(${installed}) but has no file or export for ${entrySubpathOf(specifier)}`,
        'MODULE_NOT_FOUND',
      )
    }
    throw new PackageError(
      `Cannot find package "${name}" (import "${specifier}" in ${shownImporter}). ` +
        `Is it installed? Run: npm install ${name}`,
      'MODULE_NOT_FOUND',
    )
  }
  const id = resolved.id
  if (resolved.external || id.startsWith('\0') || !path.isAbsolute(id)) {
    const builtin = id.startsWith('__vite-browser-external') || (resolved.external && isBuiltin(specifier))
    return { kind: 'vite', specifier, reason: builtin ? 'builtin' : 'virtual' }
  }
  const file = id.split('?')[0].replace(/\\/g, '/')
  if (id.includes('?') || !JS_FILE_RE.test(file)) return { kind: 'vite', specifier, reason: 'not-js' }
  const packageRoot = packageRootOf(file)
  if (!packageRoot) return { kind: 'vite', specifier, reason: 'linked' }
  const { name, version } = readPackageIdentity(packageRoot)
  const expected = packageNameOf(specifier)
  // An alias (resolve.alias, npm:) can point a specifier at another package: the entry is then
  // named relative to the package that was found, which only works for the package itself.
  const entry = name === expected ? entrySubpathOf(specifier) : entryOfAliased(file, packageRoot)
  return { kind: 'package', specifier, file, packageRoot, name, version, entry }
}

/**
 * The folder of package `name` as Node would find it from `importer` (walking up the
 * node_modules folders), or null.
 * @param {string} name @param {string} importer
 */
function installedPackageDir(name, importer) {
  for (let dir = path.dirname(importer); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name)
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate
    if (dir === path.dirname(dir)) return null
  }
}

/**
 * The entry for a specifier whose name differs from the package that was found (aliases):
 * the resolved file itself, relative to the package root.
 * @param {string} file @param {string} packageRoot
 */
function entryOfAliased(file, packageRoot) {
  return './' + path.posix.relative(packageRoot, file)
}

/**
 * Whether Vite treats `importer` as Node-mode ESM, as its `isFilePathESM` does: `.mjs`/`.mts`,
 * or (not `.cjs`/`.cts`) the nearest package.json says `"type": "module"`. There the default
 * import of an `__esModule` CommonJS package is its `module.exports`, so such an importer gets
 * the entry's `nodeFile`.
 * @param {string} importer a file path
 * @param {Map<string, boolean>} [typeCache] directory → nearest package.json has "type": "module"
 */
export function isNodeModeImporter(importer, typeCache = new Map()) {
  if (/\.m[jt]s$/.test(importer)) return true
  if (/\.c[jt]s$/.test(importer)) return false
  const visited = []
  let answer = false
  for (let dir = path.dirname(importer); ; dir = path.dirname(dir)) {
    const known = typeCache.get(dir)
    if (known !== undefined) {
      answer = known
      break
    }
    visited.push(dir)
    const file = path.join(dir, 'package.json')
    if (fs.existsSync(file)) {
      try {
        answer = JSON.parse(fs.readFileSync(file, 'utf8')).type === 'module'
      } catch {
        answer = false
      }
      break
    }
    if (dir === path.dirname(dir)) break
  }
  for (const dir of visited) typeCache.set(dir, answer)
  return answer
}
