// bareImportsOf: the bare imports of a served module, as one batch.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bareImportsOf } from '../src/imports.js'

test('static imports, in order, each once', async () => {
  const code = [
    "import React from 'react'",
    "import { createRoot } from 'react-dom/client'",
    "import * as ns from '@scope/lib'",
    "import '@scope/lib/style-side-effect'",
    "import {a as b} from \"double-quoted\"",
    "import def, { named } from 'react'", // duplicate
    "import data from 'json-pkg/data.json' with { type: 'json' }",
    'export const x = 1',
  ].join('\n')
  assert.deepEqual(await bareImportsOf(code), [
    'react',
    'react-dom/client',
    '@scope/lib',
    '@scope/lib/style-side-effect',
    'double-quoted',
    'json-pkg/data.json',
  ])
})

test('re-exports: export * from, export { } from, export * as ns from', async () => {
  const code = [
    "export * from 'star-pkg'",
    "export { a, b as c } from 'named-pkg/sub'",
    "export * as ns from '@s/ns'",
    "export { default } from 'default-pkg'",
    'export { local }',
    'const local = 1',
  ].join('\n')
  assert.deepEqual(await bareImportsOf(code), ['star-pkg', 'named-pkg/sub', '@s/ns', 'default-pkg'])
})

test("dynamic import('x') with a string literal counts; computed ones and globs do not", async () => {
  const code = [
    "const a = import('lazy-pkg')",
    'const b = import("lazy-dq/sub")',
    'const c = import(`lazy-template`)',
    'const d = import(`locale-pkg/${lang}`)', // a glob: not one specifier
    'const e = import(name)',
    "const f = import('computed-' + name)",
    "const g = await import('lazy-pkg')", // duplicate
    "const h = import('with-options', { with: { type: 'json' } })",
  ].join('\n')
  assert.deepEqual(await bareImportsOf(code), ['lazy-pkg', 'lazy-dq/sub', 'lazy-template', 'with-options'])
})

test('import.meta is not an import', async () => {
  const code = [
    'const url = new URL("./x.png", import.meta.url)',
    'if (import.meta.hot) import.meta.hot.accept()',
    'const env = import.meta.env.MODE',
    "import only from 'only-pkg'",
  ].join('\n')
  assert.deepEqual(await bareImportsOf(code), ['only-pkg'])
})

test('relative, absolute, URL, virtual, queried, node: and #imports are excluded', async () => {
  const code = [
    "import a from './a.js'",
    "import b from '../b.js'",
    "import c from '/src/c.js'",
    "import d from 'https://esm.sh/react'",
    "import e from 'virtual:my-module'",
    "import f from 'pkg/icon.svg?url'",
    "import g from 'node:fs'",
    "import h from '#internal'",
    "import i from '/@vite/client'",
    "import j from 'vite/modulepreload-polyfill'",
    "import k from '/@fs/abs/path.js'",
    "import l from '\\0virtual'",
    "import('./lazy-relative.js')",
    "import kept from 'kept-pkg'",
    "import fs from 'fs'", // a builtin name without node: is bare (an installed polyfill may win)
  ].join('\n')
  assert.deepEqual(await bareImportsOf(code), ['kept-pkg', 'fs'])
})

test('imports inside strings and comments are not imports', async () => {
  const code = [
    "const s = \"import x from 'in-string'\"",
    "// import y from 'in-line-comment'",
    "/* import z from 'in-block-comment' */",
    "const t = `import('in-template')`",
    "import real from 'real-pkg'",
  ].join('\n')
  assert.deepEqual(await bareImportsOf(code), ['real-pkg'])
})

test('code without imports gives an empty list', async () => {
  assert.deepEqual(await bareImportsOf(''), [])
  assert.deepEqual(await bareImportsOf('export default function f() { return 1 }\n'), [])
  assert.deepEqual(await bareImportsOf("module.exports = require('cjs-pkg')\n"), [], 'require() is not an ES import')
})

test('code that does not parse gives null, not a throw', async () => {
  for (const code of ['import {', "import x from 'a' (((", 'export default {', 'const s = `unterminated', 'import(', '<div>jsx</div>']) {
    assert.equal(await bareImportsOf(code), null, JSON.stringify(code))
  }
})

test('a large module is handled (the Vite transform output of a real page)', async () => {
  const lines = []
  for (let i = 0; i < 2000; i++) lines.push(`import m${i} from 'pkg-${i % 50}/entry-${i % 7}'`)
  const result = await bareImportsOf(lines.join('\n'))
  assert.equal(result?.length, 350, 'pkg-(i % 50)/entry-(i % 7): 350 distinct specifiers')
  assert.equal(result?.[0], 'pkg-0/entry-0')
})
