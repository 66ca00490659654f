// Reading a module's imports (es-module-lexer, as Vite's importAnalysis does).
// es-module-lexer 3 (the full build) reports each import as { type, specifier, ... }; the
// terse v2 fields (n, d) exist only in its `minimal` build.
import { init, parse } from 'es-module-lexer'
import { isBareImport } from './packages.js'

/**
 * The bare import specifiers of a module's code (static imports, re-exports and dynamic
 * imports with a string literal), each once, in order. null when the code cannot be lexed.
 * @param {string} code JavaScript (after Vite's JSX/TS transforms)
 * @returns {Promise<string[] | null>}
 */
export async function bareImportsOf(code) {
  await init()
  let imports
  try {
    ;[imports] = parse(code)
  } catch {
    return null
  }
  const specifiers = new Set()
  for (const entry of imports) {
    // type: 'static' | 'reexport-star' | 'dynamic' | 'import-meta'; specifier is undefined for a
    // computed import() and a glob (`*`) for a template literal with substitutions
    if (entry.type === 'import-meta' || typeof entry.specifier !== 'string') continue
    if (entry.type === 'dynamic' && entry.glob) continue
    if (entry.typeOnly) continue
    if (isBareImport(entry.specifier)) specifiers.add(entry.specifier)
  }
  return [...specifiers]
}
