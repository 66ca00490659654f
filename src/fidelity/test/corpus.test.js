// The harness on the public corpus (src/test/corpus/packages.json, installed from its lockfile):
// every import must be "same" as with Vite's own optimizer. This is the fidelity gate of the suite;
// docs/fidelity.md is the same run written to the docs (scripts/fidelity).
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
const corpus = path.join(here, '..', '..', 'test', 'corpus', 'packages.json')

test('every import of the corpus is "same" through prebundled as through Vite\'s optimizer', { timeout: 600000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundled-fidelity-corpus-'))
  try {
    const out = path.join(dir, 'report.md')
    const run = spawnSync(process.execPath, [harness, corpus, '--out', out], { encoding: 'utf8', timeout: 590000 })
    const imports = JSON.parse(fs.readFileSync(corpus, 'utf8')).packages.reduce((n, p) => n + p.imports.length, 0)
    assert.equal(run.status, 0, `the harness exited ${run.status}:\n${run.stderr}`)
    const report = fs.readFileSync(out, 'utf8')
    assert.match(report, new RegExp(`\\*\\*Totals\\*\\*: ${imports} imports of \\d+ packages: ${imports} same, 0 allowed, 0 differ, 0 fail\\.`))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
