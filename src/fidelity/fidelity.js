#!/usr/bin/env node
// The fidelity harness: does every import of a package list give the browser the same module
// through the prebundled plugin as through Vite's own optimizer? See scripts/fidelity --help.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { readPackageList, importRows } from './lib/packages.js'
import { VARIANTS, compareRow, finalStatus, parseAllowlist } from './lib/compare.js'
import { renderReport, summarize, countTotals } from './lib/report.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '..', '..')
const PLUGIN = path.join(repo, 'src', 'vite-plugin', 'index.js')
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

const USAGE = `usage: scripts/fidelity [PACKAGES.json] [--out REPORT.md] [options]

Installs the pinned packages of PACKAGES.json (default src/test/corpus/packages.json) into a
scratch app and loads every import in headless Chromium through Vite's own optimizer and through
the prebundled plugin; writes a Markdown report (default docs/fidelity.md). Exits 1 when any
import is not "same" (or allowlisted), 2 when the harness itself could not run.

options:
  --out FILE         report file (default docs/fidelity.md)
  --allowlist FILE   deliberate differences (default src/fidelity/allowlist.json)
  --jar FILE         daemon jar (default $PREBUNDLED_JAR, else target/prebundled.jar)
  --json FILE        also write the raw probe results as JSON
  --title TEXT       report title
  --keep             keep the scratch directory (its path is printed)
  --write-lock       save the scratch app's package-lock.json as PACKAGES.lock.json

With PACKAGES.lock.json beside the list (written by --write-lock), the scratch app is installed
with npm ci from it, so every run gets the same transitive versions.
  --timeout MS       per-import timeout in the page (default 60000)
env: FIDELITY_TAMPER=spec=export,...  test only: drop exports from prebundled's output`

/** @param {string[]} argv */
function parseArgs(argv) {
  const o = { input: '', out: '', allowlist: '', jar: '', json: '', title: '', keep: false, writeLock: false, timeout: 60000 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      const v = argv[++i]
      if (v === undefined) throw new UsageError(`${a} needs a value`)
      return v
    }
    if (a === '--help' || a === '-h') {
      console.log(USAGE)
      process.exit(0)
    } else if (a === '--out') o.out = value()
    else if (a === '--allowlist') o.allowlist = value()
    else if (a === '--jar') o.jar = value()
    else if (a === '--json') o.json = value()
    else if (a === '--title') o.title = value()
    else if (a === '--keep') o.keep = true
    else if (a === '--write-lock') o.writeLock = true
    else if (a === '--timeout') o.timeout = Number(value())
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`)
    else if (!o.input) o.input = a
    else throw new UsageError(`unexpected argument ${a}`)
  }
  if (!Number.isInteger(o.timeout) || o.timeout < 1000) throw new UsageError('--timeout must be an integer >= 1000')
  return o
}

class UsageError extends Error {}

const log = (/** @type {string} */ msg) => process.stderr.write(`\x1b[36m[fidelity]\x1b[0m ${msg}\n`)

/** A path as shown in the report: relative to the repo when inside it. @param {string} p */
function shown(p) {
  const rel = path.relative(repo, p)
  return rel.startsWith('..') ? p : rel
}

async function main() {
  const started = Date.now()
  const args = parseArgs(process.argv.slice(2))
  const input = path.resolve(args.input || path.join(repo, 'src/test/corpus/packages.json'))
  const out = path.resolve(args.out || path.join(repo, 'docs/fidelity.md'))
  const allowlistFile = path.resolve(args.allowlist || path.join(here, 'allowlist.json'))
  const jar = path.resolve(args.jar || process.env.PREBUNDLED_JAR || path.join(repo, 'target/prebundled.jar'))
  if (!fs.existsSync(jar)) throw new UsageError(`the daemon jar ${jar} does not exist: build it (scripts/setup) or pass --jar / PREBUNDLED_JAR`)
  if (!fs.existsSync(CHROMIUM)) throw new UsageError(`${CHROMIUM} is missing: apt-get install -y chromium`)
  const list = readPackageList(input)
  const allowlist = fs.existsSync(allowlistFile) ? parseAllowlist(fs.readFileSync(allowlistFile, 'utf8'), shown(allowlistFile)) : []
  const rows = importRows(list.packages)
  const tamper = process.env.FIDELITY_TAMPER ?? ''

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundled-fidelity-'))
  const app = path.join(scratch, 'app')
  log(`scratch app ${app}: installing ${list.packages.length} packages (${rows.length} imports)`)
  const timings = {}
  let t = Date.now()
  writeApp(app, list.packages, rows, args.timeout)
  const lockFile = input.replace(/\.json$/, '') + '.lock.json'
  const locked = !args.writeLock && useLock(app, lockFile)
  npmInstall(app, locked)
  if (args.writeLock) {
    fs.copyFileSync(path.join(app, 'package-lock.json'), lockFile)
    log(`wrote ${shown(lockFile)}`)
  }
  checkInstalled(app, list.packages)
  timings.install = Date.now() - t

  const viteCache = path.join(scratch, 'vite-cache')
  const pbCache = path.join(scratch, 'prebundled-cache')
  const configs = {
    vite: writeViteConfig(app, 'vite', { cacheDir: viteCache, include: rows.map((r) => r.specifier) }),
    prebundled: writeViteConfig(app, 'prebundled', { cacheDir: path.join(scratch, 'vite-cache-pb'), jar, pbCache, logFile: path.join(scratch, 'prebundled.log'), tamper }),
  }
  const { createServer, version: viteVersion } = await import('vite')
  /** @type {Record<string, import('vite').ViteDevServer>} */
  const servers = {}
  let browser
  /** @type {Record<string, any>} */
  const results = {}
  const notes = []
  try {
    t = Date.now()
    for (const mode of ['vite', 'prebundled']) {
      servers[mode] = await createServer({ configFile: configs[mode], configLoader: 'native', root: app })
      await servers[mode].listen()
    }
    timings.servers = Date.now() - t
    const urls = Object.fromEntries(Object.entries(servers).map(([m, s]) => [m, s.resolvedUrls?.local[0]]))
    log(`Vite ${viteVersion}: optimizer at ${urls.vite}, prebundled at ${urls.prebundled}`)

    const { chromium } = await import('playwright-core')
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundled-fidelity-chromium-'))
    try {
      browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
      t = Date.now()
      const modes = ['vite', 'prebundled']
      const pageTimeout = Math.max(300000, rows.length * VARIANTS.length * 5000)
      const runs = await Promise.all(modes.map((mode) => runPage(browser, mode, urls[mode], pageTimeout)))
      modes.forEach((mode, i) => (results[mode] = runs[i]))
      timings.pages = Date.now() - t
      for (const mode of modes) {
        const r = results[mode]
        if (r.reloads > 0) notes.push(`the ${mode === 'vite' ? "Vite optimizer's" : 'prebundled'} page reloaded ${r.reloads} time(s) while probing`)
        if (r.stray.length) notes.push(`${mode}: errors outside any import: ${r.stray.map((s) => `"${s}"`).join('; ')}`)
      }
      const chromiumVersion = browser.browser()?.version() ?? 'unknown'
      results.chromium = chromiumVersion
    } finally {
      await browser?.close().catch(() => {})
      fs.rmSync(profile, { recursive: true, force: true })
    }
  } finally {
    for (const s of Object.values(servers)) await s.close().catch(() => {})
    results.daemonVersion = daemonVersion(pbCache)
    await stopDaemon(pbCache)
  }

  /** @type {import('./lib/report.js').ReportRow[]} */
  const reportRows = rows.map((row) => {
    const vite = results.vite.byIndex.get(row.index)?.variants
    const pb = results.prebundled.byIndex.get(row.index)?.variants
    const byVariant = compareRow(vite, pb, VARIANTS)
    const final = finalStatus(row, byVariant, allowlist)
    return { index: row.index, specifier: row.specifier, pkg: row.pkg, ...final, summary: summarize(pb?.[VARIANTS[0]]) }
  })
  if (tamper) notes.push(`FIDELITY_TAMPER=${tamper} was set: the prebundled output was altered on purpose (a test of the harness)`)

  const inputShown = shown(input)
  const command = ['scripts/fidelity', inputShown, '--out', shown(out)]
  if (args.allowlist) command.push('--allowlist', shown(allowlistFile))
  const report = renderReport({
    title: args.title || `Fidelity: Vite's optimizer vs prebundled (${path.basename(input)})`,
    command: (tamper ? `FIDELITY_TAMPER=${tamper} ` : '') + command.join(' '),
    input: inputShown,
    rows: reportRows,
    variants: VARIANTS,
    allowlist,
    allowlistFile: shown(allowlistFile),
    environment: {
      Vite: viteVersion,
      Chromium: `${results.chromium} (${CHROMIUM}, headless)`,
      Node: process.version,
      'prebundled daemon': `${shown(jar)} (${results.daemonVersion ?? 'version unknown'})`,
    },
    notes,
  })
  fs.mkdirSync(path.dirname(out), { recursive: true })
  fs.writeFileSync(out, report)
  if (args.json) {
    const raw = { rows: reportRows, vite: [...results.vite.byIndex.values()], prebundled: [...results.prebundled.byIndex.values()] }
    fs.writeFileSync(path.resolve(args.json), JSON.stringify(raw, null, 2) + '\n')
  }
  if (args.keep) log(`kept ${scratch}`)
  else fs.rmSync(scratch, { recursive: true, force: true })

  const totals = countTotals(reportRows)
  for (const row of reportRows.filter((r) => r.status === 'differs' || r.status === 'fails')) {
    log(`${row.status}: ${row.specifier}: ${[...row.failures, ...row.differences].join('; ')}`)
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  log(`${rows.length} imports: ${totals.same} same, ${totals.allowed} allowed, ${totals.differs} differ, ${totals.fails} fail ` +
    `(install ${(timings.install / 1000).toFixed(1)} s, servers ${(timings.servers / 1000).toFixed(1)} s, pages ${(timings.pages / 1000).toFixed(1)} s, total ${seconds} s) → ${shown(out)}`)
  return totals.differs + totals.fails === 0 ? 0 : 1
}

/**
 * Writes the scratch app: package.json with exact versions, one probe module per import and
 * importer kind, the page and its runner.
 */
function writeApp(app, packages, rows, timeoutMs) {
  fs.mkdirSync(path.join(app, 'probe'), { recursive: true })
  const dependencies = Object.fromEntries(packages.map((p) => [p.name, p.version]))
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'fidelity-app', private: true, version: '0.0.0', dependencies }, null, 2) + '\n')
  fs.writeFileSync(path.join(app, '.npmrc'), 'save-exact=true\nfund=false\naudit=false\n')
  const probes = rows.map((r) => ({ index: r.index, specifier: r.specifier, file: String(r.index).padStart(3, '0') }))
  for (const p of probes) {
    const body = `// ${p.specifier}\nimport * as ns from ${JSON.stringify(p.specifier)}\nexport default ns\n`
    for (const v of VARIANTS) fs.writeFileSync(path.join(app, 'probe', `${p.file}.${v}`), body)
  }
  fs.writeFileSync(path.join(app, 'fidelity-list.js'),
    `export const probes = ${JSON.stringify(probes, null, 1)}\nexport const variants = ${JSON.stringify(VARIANTS)}\nexport const timeoutMs = ${timeoutMs}\n`)
  fs.copyFileSync(path.join(here, 'lib', 'runner.browser.js'), path.join(app, 'fidelity-runner.js'))
  fs.writeFileSync(path.join(app, 'index.html'),
    '<!doctype html>\n<html><head><meta charset="utf-8"><title>fidelity</title></head>\n<body><div id="root"></div>\n<script type="module" src="/fidelity-runner.js"></script>\n</body></html>\n')
}

/**
 * Copies the list's lockfile into the scratch app when it pins exactly the list's packages.
 * @param {string} app @param {string} lockFile @returns {boolean} whether the lock is used
 */
function useLock(app, lockFile) {
  if (!fs.existsSync(lockFile)) return false
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'))
  const wanted = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')).dependencies
  const pinned = lock.packages?.['']?.dependencies ?? {}
  if (JSON.stringify(Object.entries(pinned).sort()) !== JSON.stringify(Object.entries(wanted).sort())) {
    log(`${shown(lockFile)} does not match the package list: installing without it (refresh it with --write-lock)`)
    return false
  }
  fs.copyFileSync(lockFile, path.join(app, 'package-lock.json'))
  return true
}

/** @param {string} app @param {boolean} locked install with npm ci from the copied lockfile */
function npmInstall(app, locked) {
  try {
    execFileSync('npm', [locked ? 'ci' : 'install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: app, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
  } catch (e) {
    throw new Error(`npm install in ${app} failed:\n${e.stderr ?? e.message}`)
  }
}

function checkInstalled(app, packages) {
  for (const p of packages) {
    const file = path.join(app, 'node_modules', p.name, 'package.json')
    const version = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).version : null
    if (version !== p.version) throw new Error(`${p.name}: expected ${p.version} installed, found ${version ?? 'nothing'}`)
  }
}

/**
 * Writes vite.config.<mode>.mjs into the app (kept for reproducing by hand:
 * `npx vite --config vite.config.prebundled.mjs` in a kept scratch app).
 */
function writeViteConfig(app, mode, o) {
  const file = path.join(app, `vite.config.${mode}.mjs`)
  const common = {
    root: app,
    cacheDir: o.cacheDir,
    clearScreen: false,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: mode === 'vite' ? 5391 : 5392, strictPort: false },
  }
  let text
  if (mode === 'vite') {
    const config = { ...common, optimizeDeps: { include: o.include, noDiscovery: true, holdUntilCrawlEnd: true } }
    text = `// Vite's own optimizer, with every import of the list in optimizeDeps.include.\nexport default ${JSON.stringify(config, null, 2)}\n`
  } else {
    const options = { jar: o.jar, startTimeout: 120000, optimizeDeps: { cacheDir: o.pbCache }, logger: { file: { path: o.logFile } } }
    text = `// The prebundled plugin, imported by absolute path, with a fresh cache dir.\n` +
      `import prebundled from ${JSON.stringify(pathToFileURL(PLUGIN).href)}\n` +
      (o.tamper ? `import tamper from ${JSON.stringify(pathToFileURL(path.join(here, 'lib', 'tamper.js')).href)}\n` : '') +
      `const config = ${JSON.stringify(common, null, 2)}\n` +
      `config.plugins = [${o.tamper ? `tamper(${JSON.stringify(o.tamper)}), ` : ''}prebundled(${JSON.stringify(options, null, 2)})]\n` +
      'export default config\n'
  }
  fs.writeFileSync(file, text)
  return file
}

/**
 * Opens the page of one server and waits until the runner has probed every import. Failed
 * requests are attributed to the probe that was running (the runner logs each start).
 */
async function runPage(context, mode, url, timeout) {
  const page = await context.newPage()
  let current = null
  /** @type {Map<string, string[]>} */
  const failed = new Map()
  let reloads = -1
  const addFailed = (text) => {
    const key = current ?? 'none'
    failed.set(key, [...(failed.get(key) ?? []), text])
  }
  page.on('console', (msg) => {
    const m = /^\[fidelity\] probe (\d+) (\w+)$/.exec(msg.text())
    if (m) current = `${m[1]} ${m[2]}`
  })
  page.on('requestfailed', (req) => addFailed(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`))
  page.on('response', (res) => {
    if (res.status() >= 400) addFailed(`${res.url()}: HTTP ${res.status()}`)
  })
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) reloads++
  })
  page.on('pageerror', (e) => addFailed(`page error: ${e.message}`))
  await page.goto(url, { waitUntil: 'load', timeout })
  await page.waitForFunction(() => window.__fidelity?.done === true, null, { timeout, polling: 250 })
  const state = await page.evaluate(() => ({ results: window.__fidelity.results, stray: window.__fidelity.stray ?? [] }))
  await page.close()
  const byIndex = new Map()
  for (const entry of state.results) {
    for (const [variant, result] of Object.entries(entry.variants)) {
      const requests = failed.get(`${entry.index} ${variant}`) ?? []
      // a module that failed to load also rejects the import: the request is then the reason
      result.failedRequests = requests.filter((r) => !r.startsWith('page error: '))
    }
    byIndex.set(entry.index, entry)
  }
  const stray = [...state.stray, ...(failed.get('none') ?? [])]
  log(`${mode}: probed ${state.results.length} imports`)
  return { byIndex, reloads: Math.max(0, reloads), stray }
}

/** The daemon's version from daemon.json. @param {string} cacheDir */
function daemonVersion(cacheDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(cacheDir, 'daemon.json'), 'utf8')).version
  } catch {
    return null
  }
}

/**
 * Stops the daemon that the prebundled server started for our fresh cache dir: `shutdown` over
 * its socket, else SIGTERM to the pid it wrote (it is ours: nobody else uses this cache dir).
 * @param {string} cacheDir
 */
async function stopDaemon(cacheDir) {
  let info
  try {
    info = JSON.parse(fs.readFileSync(path.join(cacheDir, 'daemon.json'), 'utf8'))
  } catch {
    return
  }
  const stopped = await new Promise((resolve) => {
    const socket = net.connect(info.socket)
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(false)
    }, 10000)
    socket.on('error', () => {
      clearTimeout(timer)
      resolve(false)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(true)
    })
    socket.on('connect', () => {
      socket.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'hello', params: { protocol: info.protocol ?? 1, client: 'prebundled-fidelity' } }) + '\n')
      socket.write(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'shutdown', params: {} }) + '\n')
    })
    socket.resume()
  })
  const alive = () => {
    try {
      process.kill(info.pid, 0)
      return true
    } catch {
      return false
    }
  }
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100))
  if (alive()) {
    log(`the daemon (pid ${info.pid}) did not stop${stopped ? '' : ' (no shutdown answer)'}; sending SIGTERM`)
    try {
      process.kill(info.pid, 'SIGTERM')
    } catch {}
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError) console.error(`fidelity: ${error.message}\n\n${USAGE}`)
    else console.error(`fidelity: ${error.stack ?? error}`)
    process.exit(2)
  },
)
