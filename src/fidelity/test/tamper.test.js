// The harness itself, end to end on a two-package list: a prebundled facade that lost one named
// export (FIDELITY_TAMPER drops it from the served file) must be reported as "differs", while the
// untouched package stays "same", and the run must exit non-zero.
// Needs the daemon jar (PREBUNDLED_JAR or target/prebundled.jar), /usr/bin/chromium and npm.
import test from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const harness = path.join(here, '..', 'fidelity.js')

test('a facade missing one named export is reported as "differs"', { timeout: 240000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundled-fidelity-test-'))
  try {
    const list = path.join(dir, 'packages.json')
    fs.writeFileSync(list, JSON.stringify({
      packages: [
        { name: 'clsx', version: '2.1.1', imports: ['clsx'], format: 'esm' },
        { name: 'object-assign', version: '4.1.1', imports: ['object-assign'], format: 'cjs' },
      ],
    }))
    const out = path.join(dir, 'report.md')
    const json = path.join(dir, 'raw.json')
    const run = spawnSync(process.execPath, [harness, list, '--out', out, '--json', json, '--allowlist', path.join(dir, 'none.json')], {
      env: { ...process.env, FIDELITY_TAMPER: 'clsx=clsx' },
      encoding: 'utf8',
      timeout: 230000,
    })
    assert.equal(run.status, 1, `expected exit status 1 (a row differs), got ${run.status}\n${run.stderr}`)
    const report = fs.readFileSync(out, 'utf8')
    assert.match(report, /^\| 1 \| `clsx` \| clsx@2\.1\.1 \| differs \| missing exports \(1\): clsx \|$/m)
    assert.match(report, /^\| 2 \| `object-assign` \| object-assign@4\.1\.1 \| same \| 0 named exports, default: function \|$/m)
    assert.match(report, /\*\*Totals\*\*: 2 imports of 2 packages: 1 same, 0 allowed, 1 differ, 0 fail\./)
    assert.match(report, /FIDELITY_TAMPER=clsx=clsx/)
    // the tampering is in the served prebundled file only: Vite's side still has the export
    const raw = JSON.parse(fs.readFileSync(json, 'utf8'))
    assert.equal(raw.vite[0].variants.js.value.exports.clsx, 'function')
    assert.equal(raw.prebundled[0].variants.js.value.exports.clsx, undefined)
    assert.equal(raw.prebundled[0].variants.js.value.defaultType, 'function')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
