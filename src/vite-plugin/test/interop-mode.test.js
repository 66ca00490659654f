// Which importers Vite treats as Node-mode ESM (their default import of an __esModule CommonJS
// package is module.exports): the plugin hands those the entry's nodeFile.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { isNodeModeImporter } from '../src/packages.js'
import { writeTree } from './fixtures.js'

const dir = writeTree({
  'esm-app/package.json': { name: 'esm-app', type: 'module' },
  'esm-app/src/main.js': '',
  'esm-app/src/legacy.cjs': '',
  'esm-app/nested/package.json': { name: 'nested' },
  'esm-app/nested/file.js': '',
  'plain-app/package.json': { name: 'plain-app' },
  'plain-app/src/main.js': '',
  'plain-app/src/tool.mjs': '',
  'plain-app/src/types.mts': '',
  'broken-app/package.json': '{ not json',
  'broken-app/main.js': '',
})

test('"type": "module" makes .js importers Node-mode, up to the nearest package.json', () => {
  assert.equal(isNodeModeImporter(path.join(dir, 'esm-app/src/main.js')), true)
  assert.equal(isNodeModeImporter(path.join(dir, 'esm-app/nested/file.js')), false)
})

test('.mjs/.mts are Node-mode and .cjs is not, whatever package.json says', () => {
  assert.equal(isNodeModeImporter(path.join(dir, 'plain-app/src/tool.mjs')), true)
  assert.equal(isNodeModeImporter(path.join(dir, 'plain-app/src/types.mts')), true)
  assert.equal(isNodeModeImporter(path.join(dir, 'esm-app/src/legacy.cjs')), false)
  assert.equal(isNodeModeImporter(path.join(dir, 'plain-app/src/main.js')), false)
})

test('an unreadable package.json counts as no "type"; answers are cached per directory', () => {
  assert.equal(isNodeModeImporter(path.join(dir, 'broken-app/main.js')), false)
  const cache = new Map()
  assert.equal(isNodeModeImporter(path.join(dir, 'esm-app/src/main.js'), cache), true)
  assert.equal(cache.get(path.join(dir, 'esm-app/src')), true)
  fs.writeFileSync(path.join(dir, 'esm-app/package.json'), JSON.stringify({ name: 'esm-app' }))
  assert.equal(isNodeModeImporter(path.join(dir, 'esm-app/src/main.js'), cache), true, 'cached')
  assert.equal(isNodeModeImporter(path.join(dir, 'esm-app/src/main.js')), false, 'fresh')
})
