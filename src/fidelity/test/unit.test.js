// Unit tests of the harness's pure parts: comparison, allowlist, package lists, tampering.
import test from 'node:test'
import assert from 'node:assert/strict'
import { compareProbe, diffValues, extraMessages, finalStatus, compareRow, normalizeMessage, parseAllowlist } from '../lib/compare.js'
import { parsePackageList, importRows } from '../lib/packages.js'
import { dropExport, parseTamper } from '../lib/tamper.js'
import { renderReport, summarize } from '../lib/report.js'

const value = (exports, defaultType = 'undefined', defaultKeys) => ({
  exports,
  defaultType,
  ...(defaultKeys ? { defaultKeys, defaultKeyCount: defaultKeys.length } : {}),
})
const ok = (v) => ({ errors: [], failedRequests: [], value: v })

test('identical namespaces are the same', () => {
  const v = value({ a: 'function', default: 'object' }, 'object', ['a'])
  assert.deepEqual(compareProbe(ok(v), ok(structuredClone(v))), { status: 'same', differences: [], failures: [] })
})

test('a missing named export differs', () => {
  const vite = value({ a: 'function', b: 'number', default: 'object' }, 'object', ['a', 'b'])
  const pb = value({ a: 'function', default: 'object' }, 'object', ['a', 'b'])
  const c = compareProbe(ok(vite), ok(pb))
  assert.equal(c.status, 'differs')
  assert.deepEqual(c.differences, ['missing exports (1): b'])
})

test('extra exports, type changes, default kind and default keys are reported', () => {
  const vite = value({ a: 'function', toString: 'function', default: 'function' }, 'function', ['x', 'y'])
  assert.deepEqual(diffValues(vite, value({ a: 'object', toString: 'function', __esModule: 'boolean', default: 'object' }, 'object', [])), [
    'extra exports (1): __esModule',
    'export types differ: a is object (Vite: function)',
    'default is object (Vite: function)',
  ])
  assert.deepEqual(diffValues(vite, value({ a: 'function', toString: 'function', default: 'function' }, 'function', ['x', 'z'])), [
    'default lacks keys (1): y',
    'default has extra keys (1): z',
  ])
})

test('names inherited from Object.prototype are not mistaken for exports', () => {
  const vite = value({ toString: 'function', constructor: 'function' })
  assert.deepEqual(diffValues(vite, value({})), ['missing exports (2): constructor, toString'])
  assert.deepEqual(diffValues(value({}), vite), ['extra exports (2): constructor, toString'])
})

test('an import that throws with one server fails', () => {
  const v = value({ a: 'function' })
  const c = compareProbe(ok(v), { errors: [], failedRequests: [], error: 'SyntaxError: does not provide an export named a' })
  assert.equal(c.status, 'fails')
  assert.match(c.failures[0], /^prebundled: SyntaxError/)
  assert.equal(compareProbe(ok(v), undefined).status, 'fails')
})

test('console errors and failed requests count only when prebundled adds them', () => {
  const v = value({ a: 'function' })
  const vite = { ...ok(v), errors: ['Warning: x at http://127.0.0.1:5391/node_modules/.vite/deps/a.js?v=1234abcd:3:4'] }
  const same = { ...ok(v), errors: ['Warning: x at http://127.0.0.1:5392/node_modules/.vite/deps/a.js?v=99999999:3:4'] }
  assert.equal(compareProbe(vite, same).status, 'same')
  const more = { ...ok(v), failedRequests: ['http://127.0.0.1:5392/@fs/tmp/x/v1/a/b.js?v=1: HTTP 404'] }
  const c = compareProbe(ok(v), more)
  assert.equal(c.status, 'differs')
  assert.match(c.differences[0], /^failed requests only with prebundled: ".*b\.js: HTTP 404"$/)
  assert.deepEqual(extraMessages(['a', 'a'], ['a', 'a', 'a']), ['a'])
  assert.equal(normalizeMessage('http://localhost:5173/x.js?v=abc123:10:2 boom'), '/x.js boom')
})

test('per importer kind findings are merged and labelled', () => {
  const v = value({ a: 'function', default: 'object' }, 'object', ['a'])
  const pb = value({ a: 'function', default: 'undefined' })
  const row = { specifier: 'x', pkg: { name: 'x', version: '1.0.0' } }
  const byVariant = compareRow({ js: ok(v), mjs: ok(v) }, { js: ok(v), mjs: ok(pb) })
  const f = finalStatus(row, byVariant, [])
  assert.equal(f.status, 'differs')
  assert.deepEqual(f.differences, ['[.mjs importer] default is undefined (Vite: object)'])
  const both = finalStatus(row, compareRow({ js: ok(v), mjs: ok(v) }, { js: ok(pb), mjs: ok(pb) }), [])
  assert.deepEqual(both.differences, ['default is undefined (Vite: object)'])
})

test('the allowlist allows exactly the listed differences of the listed import', () => {
  const allowlist = parseAllowlist(JSON.stringify({
    entries: [{ specifier: 'x', differences: ['missing exports (1): b'], reason: 'b is a getter that throws in browsers' }],
  }))
  const vite = value({ a: 'function', b: 'number' })
  const row = { specifier: 'x', pkg: { name: 'x', version: '1.0.0' } }
  const allowed = finalStatus(row, compareRow({ js: ok(vite) }, { js: ok(value({ a: 'function' })) }, ['js']), allowlist)
  assert.equal(allowed.status, 'allowed')
  assert.equal(allowed.allowed[0].reason, 'b is a getter that throws in browsers')
  assert.equal(allowlist[0].used, true)
  // another difference on the same row still fails it
  const other = finalStatus(row, compareRow({ js: ok(vite) }, { js: ok(value({ b: 'number' })) }, ['js']), allowlist)
  assert.equal(other.status, 'differs')
  // the same difference on another import is not allowed
  const elsewhere = finalStatus({ ...row, specifier: 'y' }, compareRow({ js: ok(vite) }, { js: ok(value({ a: 'function' })) }, ['js']), allowlist)
  assert.equal(elsewhere.status, 'differs')
  assert.throws(() => parseAllowlist('{"entries": [{"specifier": "x", "differences": ["d"]}]}'), /reason/)
  assert.throws(() => parseAllowlist('{"entries": [{"specifier": "x", "differences": [], "reason": "long enough reason"}]}'), /differences/)
})

test('package lists must pin exact versions and list subpaths of the package', () => {
  const good = parsePackageList(JSON.stringify({ packages: [{ name: '@s/a', version: '1.2.3', imports: ['@s/a', '@s/a/b'] }, { name: 'peer', version: '2.0.0', imports: [] }] }))
  assert.deepEqual(importRows(good.packages).map((r) => [r.index, r.specifier]), [[0, '@s/a'], [1, '@s/a/b']])
  assert.throws(() => parsePackageList('{"packages": [{"name": "a", "version": "^1.0.0", "imports": ["a"]}]}'), /exact version/)
  assert.throws(() => parsePackageList('{"packages": [{"name": "a", "version": "1.0.0", "imports": ["b"]}]}'), /not a or a subpath/)
  assert.throws(() => parsePackageList('{"packages": [{"name": "a", "version": "1.0.0", "imports": ["a"]}, {"name": "a", "version": "1.0.0", "imports": []}]}'), /twice/)
  assert.throws(() => parsePackageList('[]'), /"packages" array/)
})

test('dropExport removes one named export from esbuild-style output', () => {
  const code = 'var a = 1, b = 2;\nexport {\n  a as clsx,\n  b as default\n};\nexport { c as "x-y" } from "./chunk.js";\nexport function other() {}\n'
  assert.equal(dropExport(code, 'clsx'), 'var a = 1, b = 2;\nexport { b as default };\nexport { c as "x-y" } from "./chunk.js";\nexport function other() {}\n')
  assert.match(dropExport(code, 'x-y'), /export \{  \} from "\.\/chunk\.js"/)
  assert.match(dropExport(code, 'other'), /^function other\(\) \{\}$/m)
  assert.equal(dropExport(code, 'absent'), code.replace(/export \{\n  a as clsx,\n  b as default\n\}/, 'export { a as clsx, b as default }'))
  assert.deepEqual([...parseTamper('clsx=clsx, react=useState,react=useEffect')], [['clsx', ['clsx']], ['react', ['useState', 'useEffect']]])
  assert.throws(() => parseTamper('clsx'), /specifier=exportName/)
})

test('the report has totals, one row per import and the command', () => {
  const rows = [
    { index: 0, specifier: 'a', pkg: { name: 'a', version: '1.0.0' }, status: 'same', differences: [], failures: [], allowed: [], summary: summarize(ok(value({ x: 'function', default: 'function' }, 'function', []))) },
    { index: 1, specifier: 'b|c', pkg: { name: 'b', version: '1.0.0' }, status: 'differs', differences: ['missing exports (1): y'], failures: [], allowed: [], summary: '' },
  ]
  const md = renderReport({ title: 'T', command: 'scripts/fidelity l.json --out r.md', input: 'l.json', rows, variants: ['js', 'mjs'], allowlist: [], allowlistFile: 'allow.json', environment: { Vite: '8.4.0' }, notes: [] })
  assert.match(md, /\*\*Totals\*\*: 2 imports of 2 packages: 1 same, 0 allowed, 1 differ, 0 fail\./)
  assert.match(md, /^\| 1 \| `a` \| a@1\.0\.0 \| same \| 1 named export \(x\), default: function \|$/m)
  assert.match(md, /^\| 2 \| `b\\\|c` \| b@1\.0\.0 \| differs \| missing exports \(1\): y \|$/m)
  assert.match(md, /Generated by `scripts\/fidelity l\.json --out r\.md`/)
})
