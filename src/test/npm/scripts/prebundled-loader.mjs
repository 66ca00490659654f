// A Node ESM loader hook that resolves bare specifiers the way the Vite plugin will in a browser:
// a specifier we bundled maps to its output file; anything else resolves from the test packages
// (src/test/npm), since output files live outside any node_modules tree.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

let map = {};
let packagesParent = null;

export async function initialize(data) {
  map = JSON.parse(readFileSync(data.mapFile, 'utf8'));
  packagesParent = pathToFileURL(data.packagesDir + '/__importer__.js').href;
}

export async function resolve(specifier, context, next) {
  if (Object.hasOwn(map, specifier)) {
    return { url: pathToFileURL(map[specifier]).href, shortCircuit: true };
  }
  const bare = !/^(\.|\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
  if (bare && context.parentURL && !context.parentURL.includes('/node_modules/')) {
    return next(specifier, { ...context, parentURL: packagesParent });
  }
  return next(specifier, context);
}
