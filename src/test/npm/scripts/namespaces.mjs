// Prints, as JSON, what Node's ESM loader sees for each module: the sorted export names of its
// namespace, the type of its default export and, for a function or object default, its own keys.
// Usage: node [--import register.mjs] namespaces.mjs <specifiers.json>
// A specifier is imported as written (an absolute path or a bare name).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import './dom-globals.mjs';

const specifiers = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const result = {};
for (const specifier of specifiers) {
  try {
    const target = specifier.startsWith('/') ? pathToFileURL(specifier).href : specifier;
    const ns = await import(target);
    const def = ns.default;
    result[specifier] = {
      names: Object.keys(ns).sort(),
      defaultType: def === null ? 'null' : typeof def,
      defaultKeys: def && (typeof def === 'object' || typeof def === 'function') ? Object.keys(def).sort() : [],
    };
  } catch (e) {
    result[specifier] = { error: String(e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e) };
  }
}
// exit explicitly (timers of the libraries would keep Node alive), once stdout is flushed
process.stdout.write(JSON.stringify(result), () => process.exit(0));
