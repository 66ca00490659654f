// Reads and checks a package list (the corpus format: {"packages": [{name, version, imports}]}).
import fs from 'node:fs'

const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/
const NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/

/**
 * @typedef {{ name: string, version: string, imports: string[], format?: string, note?: string }} PackageSpec
 * @typedef {{ index: number, specifier: string, pkg: PackageSpec }} ImportRow
 */

/**
 * Parses and validates a package list; throws an Error naming the problem.
 * @param {string} text JSON text
 * @param {string} [where] file name for messages
 * @returns {{ about?: string, packages: PackageSpec[] }}
 */
export function parsePackageList(text, where = 'the package list') {
  let json
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new Error(`${where} is not JSON: ${/** @type {Error} */ (e).message}`)
  }
  if (!json || typeof json !== 'object' || !Array.isArray(json.packages)) {
    throw new Error(`${where} must be an object with a "packages" array`)
  }
  const names = new Set()
  const specifiers = new Set()
  json.packages.forEach((p, i) => {
    const at = `${where}: packages[${i}]`
    if (!p || typeof p !== 'object') throw new Error(`${at} must be an object`)
    if (typeof p.name !== 'string' || !NAME.test(p.name)) throw new Error(`${at}.name must be an npm package name, got ${JSON.stringify(p.name)}`)
    if (typeof p.version !== 'string' || !EXACT_VERSION.test(p.version)) {
      throw new Error(`${at}.version must be an exact version (x.y.z) so results are reproducible, got ${JSON.stringify(p.version)}`)
    }
    if (names.has(p.name)) throw new Error(`${at}: ${p.name} is listed twice`)
    names.add(p.name)
    // an empty imports array pins a package that is only there as a peer of others
    if (!Array.isArray(p.imports)) throw new Error(`${at}.imports must be an array of import specifiers`)
    for (const s of p.imports) {
      if (typeof s !== 'string' || !(s === p.name || s.startsWith(p.name + '/'))) {
        throw new Error(`${at}.imports: ${JSON.stringify(s)} is not ${p.name} or a subpath of it`)
      }
      if (specifiers.has(s)) throw new Error(`${at}.imports: ${s} is listed twice`)
      specifiers.add(s)
    }
  })
  return json
}

/** @param {string} file */
export function readPackageList(file) {
  return parsePackageList(fs.readFileSync(file, 'utf8'), file)
}

/**
 * One row per import specifier, in list order.
 * @param {PackageSpec[]} packages
 * @returns {ImportRow[]}
 */
export function importRows(packages) {
  const rows = []
  for (const pkg of packages) for (const specifier of pkg.imports) rows.push({ index: rows.length, specifier, pkg })
  return rows
}
