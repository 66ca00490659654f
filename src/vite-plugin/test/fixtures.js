// Real fixture directories for the tests, written into a fresh temp dir (node_modules is
// git-ignored, so the trees are made here rather than checked in).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Writes `files` ({relative path: content | object (JSON)}) under a new temp dir.
 * @param {Record<string, string | object>} files
 * @param {string} [prefix]
 * @returns {string} the temp dir (real path)
 */
export function writeTree(files, prefix = 'prebundled-test-') {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)))
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  }
  return dir
}

/** @param {string} name @param {string} version @param {object} [extra] */
const pkg = (name, version, extra = {}) => ({ name, version, ...extra })

/**
 * An app whose node_modules has the layouts the resolution rules are about.
 * @returns {string} app root
 */
export function makeResolutionFixture() {
  const root = writeTree({
    'package.json': pkg('fixture-app', '1.0.0', { type: 'module' }),
    'index.html': '<script type="module" src="/src/main.js"></script>',
    'src/main.js': "import React from 'react'\nimport './style.css'\n",
    'src/style.css': 'body { color: red }',
    // CommonJS package with an exports map
    'node_modules/react/package.json': pkg('react', '19.3.1', {
      main: 'index.js',
      exports: { '.': './index.js', './jsx-runtime': './jsx-runtime.js', './package.json': './package.json' },
    }),
    'node_modules/react/index.js': 'module.exports = { version: "19.3.1" }\n',
    'node_modules/react/jsx-runtime.js': 'exports.jsx = function () {}\n',
    // scoped package; a nested package.json in a subfolder must not be taken as the root
    'node_modules/@scope/lib/package.json': pkg('@scope/lib', '2.1.0', {
      type: 'module',
      exports: { '.': './index.js', './client': './client/index.js' },
    }),
    'node_modules/@scope/lib/index.js': 'export const lib = 1\n',
    'node_modules/@scope/lib/client/package.json': { type: 'module', sideEffects: false },
    'node_modules/@scope/lib/client/index.js': 'export const client = 1\n',
    // deep imports without an exports map (MUI style folders with their own package.json)
    'node_modules/deep-pkg/package.json': pkg('deep-pkg', '3.0.0', { main: 'index.js', module: 'esm/index.js' }),
    'node_modules/deep-pkg/index.js': 'exports.deep = 1\n',
    'node_modules/deep-pkg/esm/index.js': 'export const deep = 1\n',
    'node_modules/deep-pkg/Button/package.json': pkg('deep-pkg-button-internal', '0.0.0', { main: '../node/Button.js', module: '../esm/Button.js' }),
    'node_modules/deep-pkg/esm/Button.js': 'export default function Button() {}\n',
    'node_modules/deep-pkg/node/Button.js': 'exports.default = function Button() {}\n',
    'node_modules/deep-pkg/utils/index.js': 'export const util = 1\n',
    // nested versions: a@2 at the top, a@1 under b
    'node_modules/a/package.json': pkg('a', '2.0.0', { main: 'index.js' }),
    'node_modules/a/index.js': 'module.exports = 2\n',
    'node_modules/b/package.json': pkg('b', '1.0.0', { main: 'index.js' }),
    'node_modules/b/index.js': "module.exports = require('a')\n",
    'node_modules/b/node_modules/a/package.json': pkg('a', '1.0.0', { main: 'index.js' }),
    'node_modules/b/node_modules/a/index.js': 'module.exports = 1\n',
    // a package that imports itself by name
    'node_modules/selfie/package.json': pkg('selfie', '1.2.3', {
      type: 'module',
      exports: { '.': './index.js', './util': './util.js' },
    }),
    'node_modules/selfie/index.js': "export * from 'selfie/util'\n",
    'node_modules/selfie/util.js': 'export const util = 1\n',
    // non-JavaScript files of packages
    'node_modules/styles-pkg/package.json': pkg('styles-pkg', '1.0.0', {
      exports: { '.': './index.js', './style.css': './dist/style.css', './data.json': './data.json', './assets/*': './assets/*' },
    }),
    'node_modules/styles-pkg/assets/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
    'node_modules/styles-pkg/index.js': 'export default 1\n',
    'node_modules/styles-pkg/dist/style.css': '.x { color: blue }\n',
    'node_modules/styles-pkg/data.json': '{"a": 1}\n',
    // deep imports through an exports map with subpath patterns (and a pattern excluded by null)
    'node_modules/patterned/package.json': pkg('patterned', '4.5.6', {
      type: 'module',
      exports: {
        '.': './index.js',
        './features/*': './dist/features/*.js',
        './features/private/*': null,
        './package.json': './package.json',
      },
    }),
    'node_modules/patterned/index.js': 'export const main = 1\n',
    'node_modules/patterned/dist/features/alpha.js': 'export const alpha = 1\n',
    'node_modules/patterned/dist/features/nested/beta.js': 'export const beta = 1\n',
    'node_modules/patterned/dist/features/private/secret.js': 'export const secret = 1\n',
    // pnpm layout: node_modules/pn is a symlink into node_modules/.pnpm/pn@1.0.0/node_modules/pn
    'node_modules/.pnpm/pn@1.0.0/node_modules/pn/package.json': pkg('pn', '1.0.0', { type: 'module', main: 'index.js' }),
    'node_modules/.pnpm/pn@1.0.0/node_modules/pn/index.js': 'export const pn = 1\n',
    // an npm alias ("my-react": "npm:react@18.0.0"): the folder name differs from package.json's name
    'node_modules/my-react/package.json': pkg('react', '18.0.0', { main: 'index.js' }),
    'node_modules/my-react/index.js': 'module.exports = { version: "18.0.0" }\n',
    'node_modules/my-react/jsx-runtime.js': 'exports.jsx = function () {}\n',
    // a browser polyfill named like a Node builtin
    'node_modules/events/package.json': pkg('events', '3.3.0', { main: 'events.js' }),
    'node_modules/events/events.js': 'module.exports = function EventEmitter() {}\n',
    // a linked workspace package (the real files are outside node_modules)
    'packages/linked/package.json': pkg('linked', '0.1.0', { type: 'module', main: 'index.js' }),
    'packages/linked/index.js': 'export const linked = 1\n',
  })
  fs.symlinkSync(path.join(root, 'packages/linked'), path.join(root, 'node_modules/linked'), 'dir')
  fs.symlinkSync(path.join(root, 'node_modules/.pnpm/pn@1.0.0/node_modules/pn'), path.join(root, 'node_modules/pn'), 'dir')
  return root
}
