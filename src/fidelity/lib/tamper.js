// Test-only: breaks the prebundled output on purpose, to prove the harness notices.
// FIDELITY_TAMPER="clsx=clsx,react=useState" drops the named export `clsx` from the file that
// the prebundled plugin serves for the import "clsx" (and `useState` from "react"), as a facade
// that missed one export would. It never touches the cache on disk (the daemon checks hashes).

/**
 * Parses "specifier=export,specifier=export".
 * @param {string | undefined} text
 * @returns {Map<string, string[]>}
 */
export function parseTamper(text) {
  const map = new Map()
  for (const part of (text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = part.lastIndexOf('=')
    if (at <= 0 || at === part.length - 1) throw new Error(`FIDELITY_TAMPER: "${part}" is not specifier=exportName`)
    const specifier = part.slice(0, at)
    map.set(specifier, [...(map.get(specifier) ?? []), part.slice(at + 1)])
  }
  return map
}

/**
 * Removes the named export `name` from ESM code (`export { a as name }` clauses, with or without
 * `from`, and `export const|let|var|function|class name`). Returns the code unchanged when there
 * is no such export.
 * @param {string} code
 * @param {string} name
 */
export function dropExport(code, name) {
  let out = code.replace(/export\s*\{([^}]*)\}/g, (whole, list) => {
    const kept = list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .filter((s) => {
        const m = /^(.+?)(?:\s+as\s+(.+))?$/s.exec(s)
        const exported = (m?.[2] ?? m?.[1] ?? '').trim().replace(/^["']|["']$/g, '')
        return exported !== name
      })
    return `export { ${kept.join(', ')} }`
  })
  const declaration = new RegExp(`export\\s+((?:async\\s+)?(?:const|let|var|function\\*?|class)\\s+${escapeRegExp(name)}\\b)`, 'g')
  out = out.replace(declaration, '$1')
  return out
}

/** @param {string} s */
function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * A Vite plugin (put it before the prebundled plugin) that tampers with the served output.
 * @param {string} spec FIDELITY_TAMPER's value
 * @returns {import('vite').Plugin}
 */
export default function tamperPlugin(spec) {
  const wanted = parseTamper(spec)
  /** @type {Map<string, string[]>} served file (no query) → exports to drop */
  const files = new Map()
  return {
    name: 'fidelity-tamper',
    enforce: 'pre',
    apply: 'serve',
    async resolveId(id, importer, options) {
      if (!wanted.has(id) || !importer) return null
      const resolved = await this.resolve(id, importer, { ...options, skipSelf: true })
      if (resolved && !resolved.external) files.set(resolved.id.replace(/[?#].*$/s, ''), wanted.get(id))
      return resolved
    },
    transform(code, id) {
      const names = files.get(id.replace(/[?#].*$/s, ''))
      if (!names) return null
      let out = code
      for (const name of names) out = dropExport(out, name)
      return { code: out, map: null }
    },
  }
}
