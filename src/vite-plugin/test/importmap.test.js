// Import maps that shadow locally installed packages (the seed's "remove conflicting importmap").
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { writeTree } from './fixtures.js'
import { describeConflict, findConflictingEntries, findInstalledPackage, processImportMaps } from '../src/importmap.js'

/** @type {string} */ let workspace
/** @type {string} */ let root

before(() => {
  // a workspace: react installed at the top, the app one level down with its own packages
  workspace = writeTree({
    'package.json': { name: 'ws', private: true },
    'node_modules/react/package.json': { name: 'react', version: '19.3.1' },
    'node_modules/react/index.js': 'module.exports = {}\n',
    'app/package.json': { name: 'app', version: '1.0.0' },
    'app/node_modules/react-dom/package.json': { name: 'react-dom', version: '19.3.1' },
    'app/node_modules/@scope/lib/package.json': { name: '@scope/lib', version: '2.1.0' },
    'app/node_modules/no-version/package.json': { name: 'no-version' },
    // a folder without package.json is not an installed package
    'app/node_modules/leftover/index.js': '',
  })
  root = path.join(workspace, 'app')
})

after(() => fs.rmSync(workspace, { recursive: true, force: true }))

/** @param {object} map @param {string} [attrs] */
const page = (map, attrs = 'type="importmap"') =>
  `<!doctype html>\n<html>\n<head>\n  <script ${attrs}>\n  ${JSON.stringify(map)}\n  </script>\n` +
  `  <script type="module" src="/src/main.js"></script>\n</head>\n<body></body>\n</html>\n`

/** The import maps left in html, parsed. @param {string} html */
function importMapsIn(html) {
  return [...html.matchAll(/<script\b[^>]*type\s*=\s*["']?importmap["']?[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => JSON.parse(m[1]))
}

describe('findInstalledPackage', () => {
  test('walks up node_modules folders the way Node does', () => {
    assert.equal(findInstalledPackage('react-dom', root), path.join(root, 'node_modules/react-dom'))
    assert.equal(findInstalledPackage('react', root), path.join(workspace, 'node_modules/react'))
    assert.equal(findInstalledPackage('@scope/lib', root), path.join(root, 'node_modules/@scope/lib'))
    assert.equal(findInstalledPackage('react-dom', workspace), null, 'not visible from above')
    assert.equal(findInstalledPackage('leftover', root), null, 'a folder without package.json')
    assert.equal(findInstalledPackage('not-installed-anywhere-xyz', root), null)
  })
})

describe('findConflictingEntries', () => {
  test('entries mapping installed packages to a CDN are reported with name and version', () => {
    const found = findConflictingEntries(
      {
        imports: {
          react: 'https://esm.sh/react@19',
          'react-dom/client': 'https://esm.sh/react-dom@19/client',
          '@scope/lib': 'https://cdn.example/lib.js',
          'react/': 'https://esm.sh/react@19/',
          'no-version': 'https://cdn.example/nv.js',
        },
      },
      root,
    )
    assert.deepEqual(found, [
      { specifier: 'react', target: 'https://esm.sh/react@19', scope: null, packageName: 'react', version: '19.3.1' },
      { specifier: 'react-dom/client', target: 'https://esm.sh/react-dom@19/client', scope: null, packageName: 'react-dom', version: '19.3.1' },
      { specifier: '@scope/lib', target: 'https://cdn.example/lib.js', scope: null, packageName: '@scope/lib', version: '2.1.0' },
      { specifier: 'react/', target: 'https://esm.sh/react@19/', scope: null, packageName: 'react', version: '19.3.1' },
      { specifier: 'no-version', target: 'https://cdn.example/nv.js', scope: null, packageName: 'no-version', version: '' },
    ])
  })

  test('not-installed packages, relative/absolute/URL keys and non-string targets are not reported', () => {
    const found = findConflictingEntries(
      {
        imports: {
          'not-installed-xyz': 'https://esm.sh/x',
          '@scope/not-installed': 'https://esm.sh/y',
          leftover: 'https://esm.sh/leftover',
          './local.js': 'https://cdn.example/local.js',
          '../up.js': 'https://cdn.example/up.js',
          '/abs/react.js': 'https://cdn.example/react.js',
          'https://esm.sh/react': 'https://cdn.example/react.js',
          'node:fs': 'https://cdn.example/fs.js',
          react: 42,
          'react-dom': null,
        },
      },
      root,
    )
    assert.deepEqual(found, [])
  })

  test('scopes are checked and reported with their scope', () => {
    const found = findConflictingEntries(
      {
        imports: { 'not-installed-xyz': 'https://esm.sh/x' },
        scopes: {
          '/legacy/': { react: 'https://esm.sh/react@17', 'nope-xyz': 'https://esm.sh/nope' },
          'https://cdn.example/': { '@scope/lib': 'https://cdn.example/lib.js' },
        },
      },
      root,
    )
    assert.deepEqual(
      found.map((f) => [f.scope, f.specifier, f.packageName]),
      [
        ['/legacy/', 'react', 'react'],
        ['https://cdn.example/', '@scope/lib', '@scope/lib'],
      ],
    )
  })

  test('odd shapes do not throw', () => {
    assert.deepEqual(findConflictingEntries({}, root), [])
    assert.deepEqual(findConflictingEntries({ imports: 'x', scopes: 'y' }, root), [])
    assert.deepEqual(findConflictingEntries({ scopes: { '/a/': null, '/b/': 5 } }, root), [])
    assert.deepEqual(findConflictingEntries(/** @type {any} */ (null), root), [])
  })
})

describe('processImportMaps', () => {
  test('warn mode: reports the conflicts and returns the page unchanged', () => {
    const html = page({ imports: { react: 'https://esm.sh/react@19', 'not-installed-xyz': 'https://esm.sh/x' } })
    const result = processImportMaps(html, root)
    assert.equal(result.html, html)
    assert.deepEqual(result.errors, [])
    assert.deepEqual(result.conflicts.map((c) => c.specifier), ['react'])
    const again = processImportMaps(html, root, { remove: false })
    assert.equal(again.html, html)
    assert.equal(again.conflicts.length, 1)
  })

  test('remove: drops only the conflicting entries and keeps the rest of the map', () => {
    const html = page({
      imports: { react: 'https://esm.sh/react@19', 'not-installed-xyz': 'https://esm.sh/x', './a.js': '/b.js' },
      scopes: { '/legacy/': { 'react-dom': 'https://esm.sh/react-dom@17', 'keep-me-xyz': 'https://esm.sh/k' } },
    })
    const result = processImportMaps(html, root, { remove: true })
    assert.deepEqual(result.conflicts.map((c) => [c.scope, c.specifier]), [[null, 'react'], ['/legacy/', 'react-dom']])
    assert.deepEqual(importMapsIn(result.html), [
      {
        imports: { 'not-installed-xyz': 'https://esm.sh/x', './a.js': '/b.js' },
        scopes: { '/legacy/': { 'keep-me-xyz': 'https://esm.sh/k' } },
      },
    ])
    assert.ok(result.html.includes('<script type="module" src="/src/main.js"></script>'), 'other scripts are kept')
    assert.ok(result.html.startsWith('<!doctype html>\n<html>\n<head>\n  <script type="importmap">\n  {'), result.html)
  })

  test('remove: a scope left empty is dropped; a map left empty drops the whole script', () => {
    const scoped = processImportMaps(
      page({ imports: { 'keep-xyz': 'https://esm.sh/k' }, scopes: { '/legacy/': { react: 'https://esm.sh/react@17' } } }),
      root,
      { remove: true },
    )
    assert.deepEqual(importMapsIn(scoped.html), [{ imports: { 'keep-xyz': 'https://esm.sh/k' } }])

    const html = page({ imports: { react: 'https://esm.sh/react@19', '@scope/lib': 'https://cdn.example/lib.js' }, scopes: { '/x/': { 'react-dom': 'https://esm.sh/rd' } } })
    const result = processImportMaps(html, root, { remove: true })
    assert.equal(result.conflicts.length, 3)
    assert.deepEqual(importMapsIn(result.html), [])
    assert.ok(!/importmap/i.test(result.html), result.html)
    assert.ok(result.html.includes('<script type="module" src="/src/main.js"></script>'))
    assert.ok(result.html.includes('<body></body>'))
  })

  test('remove without conflicts leaves the page byte for byte', () => {
    const html = page({ imports: { 'not-installed-xyz': 'https://esm.sh/x' } })
    const result = processImportMaps(html, root, { remove: true })
    assert.equal(result.html, html)
    assert.deepEqual(result.conflicts, [])
  })

  test('several import maps, attribute spellings, and scripts that are not import maps', () => {
    const html =
      `<script type='importmap'>{"imports":{"react":"https://esm.sh/react"}}</script>\n` +
      `<script TYPE=importmap data-x="1">{"imports":{"react-dom":"https://esm.sh/react-dom","keep-xyz":"https://k"}}</script>\n` +
      `<script type="module">import 'react'; const m = {"imports":{"react":"https://esm.sh/react"}}</script>\n` +
      `<script type="importmap-shim">{"imports":{"react":"https://esm.sh/react"}}</script>\n`
    const warned = processImportMaps(html, root)
    assert.deepEqual(warned.conflicts.map((c) => c.specifier), ['react', 'react-dom'])
    const removed = processImportMaps(html, root, { remove: true })
    assert.ok(!removed.html.includes(`<script type='importmap'>`), 'the first map is emptied, so removed')
    assert.ok(removed.html.includes('<script TYPE=importmap data-x="1">'), 'the second keeps its attributes')
    assert.ok(removed.html.includes('"keep-xyz": "https://k"'), removed.html)
    assert.ok(!removed.html.includes('esm.sh/react-dom'), removed.html)
    assert.ok(removed.html.includes(`<script type="module">import 'react'; const m = {"imports":{"react":"https://esm.sh/react"}}</script>`))
    assert.ok(removed.html.includes('<script type="importmap-shim">'), 'importmap-shim is not an import map')
  })

  test('malformed JSON gives an error, not a throw, and the page is kept', () => {
    const html = `<script type="importmap">{ "imports": { "react": "https://esm.sh/react", } }</script>\n` +
      `<script type="importmap">{"imports":{"react-dom":"https://esm.sh/rd"}}</script>`
    for (const remove of [false, true]) {
      const result = processImportMaps(html, root, { remove })
      assert.equal(result.errors.length, 1, JSON.stringify(result.errors))
      assert.match(result.errors[0], /^an import map is not valid JSON: /)
      assert.deepEqual(result.conflicts.map((c) => c.specifier), ['react-dom'], 'the valid map is still checked')
      assert.ok(result.html.includes('{ "imports": { "react": "https://esm.sh/react", } }'), 'the broken map is left as it is')
    }
  })

  test('valid JSON that is not an object gives an error, not a throw', () => {
    for (const body of ['null', '[]', '"x"', '42']) {
      const html = `<script type="importmap">${body}</script>`
      const result = processImportMaps(html, root, { remove: true })
      assert.equal(result.errors.length, 1, body)
      assert.match(result.errors[0], /import map must be a JSON object/, body)
      assert.equal(result.html, html)
      assert.deepEqual(result.conflicts, [])
    }
  })

  test('a page without import maps is untouched', () => {
    const html = '<html><head><script type="module" src="/x.js"></script></head></html>'
    assert.deepEqual(processImportMaps(html, root, { remove: true }), { html, conflicts: [], errors: [] })
  })
})

describe('describeConflict', () => {
  test('names the page, specifier, scope, target and installed version, and the options', () => {
    const text = describeConflict(
      { specifier: 'react', target: 'https://esm.sh/react@19', scope: '/legacy/', packageName: 'react', version: '19.3.1' },
      '/index.html',
    )
    assert.ok(text.startsWith('/index.html: import map entry "react" (scope "/legacy/") → https://esm.sh/react@19'), text)
    assert.ok(text.includes('shadows the installed react@19.3.1'), text)
    assert.ok(text.includes("importmap: 'remove'"), text)
    const noVersion = describeConflict({ specifier: 'x', target: 'https://t', scope: null, packageName: 'x', version: '' }, '/p.html')
    assert.ok(noVersion.includes('shadows the installed x ('), noVersion)
    assert.ok(!noVersion.includes('scope'), noVersion)
  })
})
