// The e2e harness: temp copies of the reference app, real Vite dev servers (child processes),
// the real daemon (started by the plugin or by scripts/prebundled) and real Chromium.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { spawn, execFileSync } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'

export const E2E_DIR = fileURLToPath(new URL('..', import.meta.url))
export const REPO = path.resolve(E2E_DIR, '../..')
export const REFERENCE_APP = path.join(E2E_DIR, 'reference-app')
export const PLUGIN = path.join(REPO, 'src/vite-plugin/index.js')
export const PREBUNDLED_SCRIPT = path.join(REPO, 'scripts/prebundled')

/** A private copy of the jar, so a rebuild of target/ does not pull classes from under a running daemon. */
export const JAR = (() => {
  const source = process.env.PREBUNDLED_JAR ?? path.join(REPO, 'target/prebundled.jar')
  if (!fs.existsSync(source)) throw new Error(`no daemon jar at ${source}: run scripts/setup`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundled-e2e-jar-'))
  const copy = path.join(dir, 'prebundled.jar')
  fs.copyFileSync(source, copy)
  return copy
})()

const ESBUILD = path.join(REPO, 'tools/node_modules/@esbuild/linux-x64/bin/esbuild')
/** Environment of every Vite and daemon the tests start. */
export const ENV = {
  ...process.env,
  PREBUNDLED_JAR: JAR,
  ...(process.env.ESBUILD_BINARY_PATH || !fs.existsSync(ESBUILD) ? {} : { ESBUILD_BINARY_PATH: ESBUILD }),
  NO_COLOR: '1',
}

export function tempDir(prefix) {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)))
}

/**
 * A copy of the reference app in a temp dir: its sources, and its node_modules hard-linked
 * (a real directory, so package roots are inside the app as after `npm ci`). The config imports
 * the plugin by absolute path. `html` replaces index.html.
 * @param {{html?: string}} [opts]
 */
export function makeApp(opts = {}) {
  const app = tempDir('prebundled-e2e-app-')
  for (const name of ['index.html', 'package.json', 'package-lock.json', 'src']) {
    fs.cpSync(path.join(REFERENCE_APP, name), path.join(app, name), { recursive: true })
  }
  execFileSync('cp', ['-al', path.join(REFERENCE_APP, 'node_modules'), path.join(app, 'node_modules')])
  fs.rmSync(path.join(app, 'node_modules/.vite'), { recursive: true, force: true })
  if (opts.html) fs.writeFileSync(path.join(app, 'index.html'), opts.html)
  // The reference app's config with the plugin imported by absolute path; PREBUNDLED=off runs
  // Vite's own optimizer instead (the benchmark's other side).
  fs.writeFileSync(
    path.join(app, 'vite.config.js'),
    `import { defineConfig } from 'vite'
import prebundled from ${JSON.stringify(pathToFileURL(PLUGIN).href)}
export default defineConfig({
  server: { host: '127.0.0.1', strictPort: true },
  clearScreen: false,
  plugins: process.env.PREBUNDLED === 'off' ? [] : [prebundled({
    optimizeDeps: { cacheDir: process.env.PREBUNDLED_CACHE_DIR },
    ...(process.env.PREBUNDLED_IMPORTMAP ? { importmap: process.env.PREBUNDLED_IMPORTMAP } : {}),
  })],
})
`,
  )
  return app
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address())
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts `vite` (the app's own Vite 8.4.0) for `app`, with the plugin on `cacheDir`; resolves
 * when the server listens. `ready` waits for the plugin's summary line too.
 * @param {string} app
 * @param {{cacheDir: string, env?: Record<string, string>, ready?: boolean}} opts
 */
export async function startVite(app, opts) {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [path.join(app, 'node_modules/vite/bin/vite.js'), '--port', String(port), '--strictPort', '--bypass-lock'],
    { cwd: app, env: { ...ENV, PREBUNDLED_CACHE_DIR: opts.cacheDir, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const waiters = []
  const onData = (chunk) => {
    output += chunk
    for (const w of waiters.slice()) if (w.re.test(output)) { waiters.splice(waiters.indexOf(w), 1); w.resolve() }
  }
  child.stdout.setEncoding('utf8').on('data', onData)
  child.stderr.setEncoding('utf8').on('data', onData)
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const server = {
    url: `http://127.0.0.1:${port}/`,
    port,
    child,
    get output() { return output },
    /** Waits until the output matches re. */
    waitFor(re, timeout = 60000) {
      if (re.test(output)) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in Vite's output:\n${output}`)), timeout)
        waiters.push({ re, resolve: () => { clearTimeout(timer); resolve() } })
        exited.then((code) => { clearTimeout(timer); reject(new Error(`vite exited (${code}) before ${re}:\n${output}`)) })
      })
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
  await server.waitFor(/Local:\s+http/)
  if (opts.ready !== false) await server.waitFor(/packages ready|no package imports found|cannot reach/)
  return server
}

/** The plugin's summary line: `N packages ready (B built, C from cache)`. */
export function summaryOf(output) {
  const m = [...output.matchAll(/(\d+) packages ready \((\d+) built, (\d+) from cache\)/g)].pop()
  return m ? { units: +m[1], built: +m[2], cached: +m[3] } : null
}

/** The pid in <cacheDir>/daemon.json, or null. */
export function daemonPid(cacheDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(cacheDir, 'daemon.json'), 'utf8')).pid
  } catch {
    return null
  }
}

/** Stops the daemon of cacheDir (if any) and waits for its process to end. */
export async function stopDaemon(cacheDir) {
  const pid = daemonPid(cacheDir)
  try {
    execFileSync('java', ['-jar', JAR, 'stop', '--cache-dir', cacheDir], { stdio: 'ignore', timeout: 20000 })
  } catch {}
  if (!pid) return
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100)
  if (alive(pid)) process.kill(pid, 'SIGKILL')
}

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** One JSON-RPC call to the daemon of cacheDir (hello first), over its socket. */
export async function rpc(cacheDir, method, params = {}) {
  const info = JSON.parse(fs.readFileSync(path.join(cacheDir, 'daemon.json'), 'utf8'))
  const socket = net.createConnection(info.socket)
  socket.setEncoding('utf8')
  const lines = []
  let buffer = ''
  let wake = () => {}
  socket.on('data', (chunk) => {
    buffer += chunk
    let n
    while ((n = buffer.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffer.slice(0, n)))
      buffer = buffer.slice(n + 1)
    }
    wake()
  })
  const next = async () => {
    const deadline = Date.now() + 10000
    while (lines.length === 0) {
      if (Date.now() > deadline) throw new Error(`no answer to ${method}`)
      await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 200) })
    }
    return lines.shift()
  }
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  socket.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'hello', params: { protocol: 1, client: 'e2e' } }) + '\n')
  await next()
  socket.write(JSON.stringify({ jsonrpc: '2.0', id: 2, method, params }) + '\n')
  const answer = await next()
  socket.destroy()
  if (answer.error) throw new Error(JSON.stringify(answer.error))
  return answer.result
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** A fresh Chromium profile; requests to anything but 127.0.0.1 are aborted (and recorded). */
export async function launchBrowser() {
  const profile = tempDir('prebundled-e2e-chromium-')
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  })
  const external = []
  await context.route((url) => url.hostname !== '127.0.0.1', (route) => {
    external.push(route.request().url())
    return route.abort()
  })
  // Counts document loads of this tab (survives reloads, not new tabs).
  await context.addInitScript(() => {
    const n = Number(sessionStorage.getItem('__loads') ?? 0) + 1
    sessionStorage.setItem('__loads', String(n))
    window.__loads = n
  })
  return {
    context,
    external,
    async close() {
      await context.close().catch(() => {})
      fs.rmSync(profile, { recursive: true, force: true })
    },
  }
}

/**
 * A page with its problems recorded: console errors, page errors, failed requests and HTTP
 * statuses >= 400 (the favicon, which the reference app does not have, aside).
 * @param {import('playwright-core').BrowserContext} context
 */
export async function openPage(context) {
  const page = await context.newPage()
  const problems = []
  const requests = []
  page.on('console', (m) => {
    if (m.type() !== 'error') return
    if (m.location()?.url?.endsWith('/favicon.ico')) return
    problems.push(`console error: ${m.text()} (${m.location()?.url ?? ''})`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('request', (r) => requests.push(r.url()))
  page.on('requestfailed', (r) => {
    if (!r.url().endsWith('/favicon.ico')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`)
  })
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()}: ${r.url()}`)
  })
  return { page, problems, requests }
}

/** Loads the app and waits until it rendered. */
export async function loadApp(page, url) {
  await page.goto(url)
  await page.waitForSelector('#title', { timeout: 30000 })
}

export const loads = (page) => page.evaluate(() => window.__loads)

/** The text of Vite's error overlay on the page, or '' when there is none. */
export function overlayText(page) {
  return page
    .evaluate(() => document.querySelector('vite-error-overlay')?.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '')
    .catch(() => '')
}

/** A fresh cache dir for one test file: `<new temp dir>/cache` (not created: the daemon makes it). */
export function freshCacheDir() {
  return path.join(tempDir('prebundled-e2e-cache-'), 'cache')
}

/**
 * Ends what a test file started: its Vite servers, its browser, the daemon of its cache dir, and
 * the app copies and cache dir on disk. Every argument may be missing (a failed `before`).
 * @param {{servers?: any[], browser?: any, cacheDir?: string, apps?: string[]}} started
 */
export async function teardown({ servers = [], browser, cacheDir, apps = [] }) {
  await Promise.all(servers.filter(Boolean).map((s) => s.stop()))
  await browser?.close()
  if (cacheDir) await stopDaemon(cacheDir)
  for (const dir of apps) if (dir) fs.rmSync(dir, { recursive: true, force: true })
  if (cacheDir) fs.rmSync(path.dirname(cacheDir), { recursive: true, force: true })
}
