// Benchmark (not a test): the reference app on Vite's own optimizer and on prebundled, side by
// side in one run, as a user feels it in headless Chromium. Prints a Markdown section on stdout
// (progress on stderr). Run with `scripts/bench vite [rounds]` (PREBUNDLED_JAR must point at the
// jar; scripts/bench builds one).
//
// Per round and variant (the order of the two variants alternates between rounds):
//   cold     fresh app copy, no node_modules/.vite / a fresh prebundled cache dir and no daemon:
//            spawn `vite`, open the page as soon as it prints its URL, until #title is visible;
//            the dependency requests of that page load (count, bytes); then
//   late     click "Load page" (a page behind a computed import): full reloads until it is shown
//            (after a reload the user clicks again) and the time from the first click;
//   warm     stop vite (and the daemon), start again on the kept caches: spawn to #title;
//   warm+d   prebundled only: the same with the daemon left running;
//   multi    a fresh copy, two dev servers of it at once on one cache dir (Vite: the same
//            node_modules/.vite, --bypass-lock), 5 loads on each (the two in parallel): failed
//            loads, 504 responses, full reloads.
// Every measured load uses a fresh Chromium profile, so the browser's HTTP cache plays no part.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { makeApp, tempDir, startVite, stopDaemon, daemonPid, launchBrowser, openPage, sleep, summaryOf, JAR, REFERENCE_APP } from '../test/helpers.js'

const ROUNDS = Number(process.argv[2] ?? 3)
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error('usage: node src/e2e/bench/vite.bench.js [rounds]')
  process.exit(2)
}
const LOADS_PER_SERVER = 5
const log = (...a) => console.error('[bench]', ...a)

// ---------------------------------------------------------------- everything we start, to stop it
const live = { servers: new Set(), browsers: new Set(), cacheDirs: new Set(), dirs: new Set() }

async function cleanup() {
  await Promise.all([...live.servers].map((s) => s.stop().catch(() => {})))
  live.servers.clear()
  await Promise.all([...live.browsers].map((b) => b.close().catch(() => {})))
  live.browsers.clear()
  for (const cacheDir of live.cacheDirs) await stopDaemon(cacheDir).catch(() => {})
  // A daemon the plugin was still starting when its Vite stopped has no daemon.json yet: find it by its cache dir.
  for (const pid of strayDaemons([...live.cacheDirs])) {
    try { process.kill(pid, 'SIGKILL') } catch {}
  }
  live.cacheDirs.clear()
  for (const dir of live.dirs) fs.rmSync(dir, { recursive: true, force: true })
  live.dirs.clear()
}

/** Pids of processes whose command line names one of our cache dirs. */
function strayDaemons(cacheDirs) {
  if (cacheDirs.length === 0) return []
  const pids = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    let cmd
    try { cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8') } catch { continue }
    if (cmd.includes('prebundled') && cacheDirs.some((d) => cmd.includes(d + '\0') || cmd.endsWith(d))) pids.push(Number(entry))
  }
  return pids
}

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping every Vite, daemon and Chromium started here`)
    await cleanup()
    process.exit(130)
  })
}

// ---------------------------------------------------------------- the app and its two variants

/** A fresh copy of the reference app (no node_modules/.vite) with its own vite.config.js; a cache dir for the plugin. */
function freshApp() {
  const app = makeApp()
  live.dirs.add(app)
  const cacheParent = tempDir('prebundled-bench-cache-')
  live.dirs.add(cacheParent)
  const cacheDir = path.join(cacheParent, 'cache')
  live.cacheDirs.add(cacheDir)
  return { app, cacheDir }
}

const VARIANTS = {
  vite: {
    label: "Vite's optimizer",
    env: { PREBUNDLED: 'off' },
    isDep: (url) => url.pathname.includes('/node_modules/.vite/deps/'),
  },
  prebundled: {
    label: 'prebundled',
    env: {},
    isDep: (url, cacheDir) => url.pathname.startsWith(`/@fs${cacheDir}/v1/`) || url.pathname.includes('/v1/') && url.search.includes('v='),
  },
}

async function start(variant, app, cacheDir) {
  const server = await startVite(app, { cacheDir, env: VARIANTS[variant].env, ready: false })
  live.servers.add(server)
  return server
}

async function stop(server) {
  await server.stop()
  live.servers.delete(server)
}

async function browser() {
  const b = await launchBrowser()
  live.browsers.add(b)
  return b
}

async function closeBrowser(b) {
  await b.close()
  live.browsers.delete(b)
}

/**
 * Documents loaded in a page (1 after the first load; each full reload adds one). Playwright's
 * framenavigated fires twice for one load, so count DOMContentLoaded instead.
 */
function countNavigations(page) {
  const state = { navigations: 0 }
  page.on('domcontentloaded', () => state.navigations++)
  return state
}

/** Polls until fn() is truthy (errors while the page navigates count as false); false on timeout. */
async function until(fn, timeout) {
  const deadline = Date.now() + timeout
  while (Date.now() < deadline) {
    try { if (await fn()) return true } catch {}
    await sleep(25)
  }
  return false
}

const visible = (page, selector) => page.isVisible(selector)

/**
 * Spawns vite and loads the page in a fresh browser as soon as Vite prints its URL; resolves with
 * the time from the spawn to #title visible and what the page requested. The server keeps running.
 */
async function timedStart(variant, app, cacheDir) {
  const b = await browser()
  const tab = await openPage(b.context)
  const nav = countNavigations(tab.page)
  const deps = []
  const responses = []
  tab.page.on('response', (r) => {
    const url = new URL(r.url())
    if (r.status() === 504) responses.push(504)
    if (!VARIANTS[variant].isDep(url, cacheDir)) return
    deps.push(r.body().then((body) => body.length, () => 0))
  })
  const t0 = performance.now()
  const server = await start(variant, app, cacheDir)
  const listenMs = performance.now() - t0
  // A failed navigation (seen once: connection refused just after Vite printed its URL) is
  // retried after a second, as a user would press reload; it is reported, not hidden.
  let gotoFailures = []
  for (;;) {
    try {
      await tab.page.goto(server.url, { timeout: 120000 })
      break
    } catch (error) {
      gotoFailures.push(error.message.split('\n')[0])
      if (gotoFailures.length >= 3 || server.child.exitCode !== null) {
        throw new Error(`${variant}: ${gotoFailures.join('; ')} (vite exit ${server.child.exitCode} ${server.child.signalCode})\nVite:\n${server.output.slice(-3000)}`)
      }
      await sleep(1000)
    }
  }
  const shown = await until(() => visible(tab.page, '#title'), 120000)
  const ms = performance.now() - t0
  if (!shown) throw new Error(`${variant}: the page did not render within 120 s\nproblems: ${tab.problems.join('\n')}\nVite:\n${server.output.slice(-3000)}`)
  await sleep(300) // let late responses of this load arrive before counting
  const sizes = await Promise.all(deps)
  return {
    server, browser: b, tab, nav, ms, listenMs, gotoFailures,
    firstLoadProblems: tab.problems.length,
    depRequests: sizes.length,
    depBytes: sizes.reduce((a, n) => a + n, 0),
    allRequests: tab.requests.length,
    reloadsDuringLoad: nav.navigations - 1,
    http504: responses.length,
    deps, // later dependency responses (the late page) keep landing here
  }
}

/** Clicks "Load page" until the page behind the computed import is shown; counts full reloads. */
async function lateDiscovery(run) {
  const { page } = run.tab
  const navBefore = run.nav.navigations
  const depsBefore = run.deps.length
  const problemsBefore = run.tab.problems.length
  const t0 = performance.now()
  let shownMs = null
  let clicks = 0
  for (let attempt = 0; attempt < 4 && shownMs === null; attempt++) {
    if (!(await until(() => visible(page, '#load-page'), 60000))) break
    const navs = run.nav.navigations
    await page.click('#load-page').catch(() => {})
    clicks++
    let reloaded = false
    await until(async () => {
      if (run.nav.navigations !== navs) return (reloaded = true)
      return visible(page, '#reports')
    }, 60000)
    if (!reloaded && (await visible(page, '#reports').catch(() => false))) shownMs = performance.now() - t0
  }
  await sleep(1500) // a reload that comes after the page was shown counts too
  const sizes = await Promise.all(run.deps.slice(depsBefore))
  return {
    problems: run.tab.problems.length - problemsBefore,
    ms: shownMs,
    reloads: run.nav.navigations - navBefore,
    clicks,
    depRequests: sizes.length,
    depBytes: sizes.reduce((a, n) => a + n, 0),
  }
}

/** Cold start, late discovery, warm start(s) of one variant on a fresh copy. */
async function startRound(variant, results) {
  const { app, cacheDir } = freshApp()
  const cold = await timedStart(variant, app, cacheDir)
  const late = await lateDiscovery(cold)
  if (variant === 'prebundled') cold.summary = summaryOf(cold.server.output)
  record(results, variant, 'cold', cold.ms)
  record(results, variant, 'coldListen', cold.listenMs)
  record(results, variant, 'coldReloads', cold.reloadsDuringLoad)
  record(results, variant, 'depRequests', cold.depRequests)
  record(results, variant, 'depBytes', cold.depBytes)
  record(results, variant, 'allRequests', cold.allRequests)
  record(results, variant, 'lateMs', late.ms)
  record(results, variant, 'lateReloads', late.reloads)
  record(results, variant, 'lateClicks', late.clicks)
  record(results, variant, 'coldProblems', cold.firstLoadProblems)
  record(results, variant, 'lateProblems', late.problems)
  for (const f of cold.gotoFailures) results.problems.push(`${variant} cold: navigation failed once Vite printed its URL, retried: ${f}`)
  record(results, variant, 'lateDepRequests', late.depRequests)
  record(results, variant, 'lateDepBytes', late.depBytes)
  note(results, `${variant} cold: ${cold.ms.toFixed(0)} ms (URL printed at ${cold.listenMs.toFixed(0)} ms), ${cold.depRequests} dep requests ${kb(cold.depBytes)}, ` +
    `${cold.reloadsDuringLoad} reloads during load, ${cold.firstLoadProblems} problems; late: ${late.ms === null ? 'NOT SHOWN' : late.ms.toFixed(0) + ' ms'}, ` +
    `${late.reloads} reloads, ${late.clicks} clicks, ${late.problems} problems${cold.summary ? `; plugin: ${cold.summary.units} units, ${cold.summary.built} built` : ''}`)
  if (cold.tab.problems.length) results.problems.push(`${variant} first load and late discovery: ${cold.tab.problems.slice(0, 5).join(' | ')}`)
  await stop(cold.server)
  await closeBrowser(cold.browser)

  if (variant === 'prebundled') await stopDaemon(cacheDir)
  const warm = await timedStart(variant, app, cacheDir)
  record(results, variant, 'warm', warm.ms)
  record(results, variant, 'warmReloads', warm.reloadsDuringLoad)
  for (const f of warm.gotoFailures) results.problems.push(`${variant} warm: navigation failed once Vite printed its URL, retried: ${f}`)
  if (variant === 'prebundled') {
    const s = summaryOf(warm.server.output)
    note(results, `prebundled warm (daemon restarted): ${warm.ms.toFixed(0)} ms, plugin: ${s ? `${s.units} units, ${s.built} built` : 'no summary'}`)
  } else note(results, `vite warm: ${warm.ms.toFixed(0)} ms`)
  await stop(warm.server)
  await closeBrowser(warm.browser)

  if (variant === 'prebundled') {
    if (!daemonPid(cacheDir)) results.problems.push('prebundled: no daemon running after the warm start')
    const running = await timedStart(variant, app, cacheDir)
    record(results, variant, 'warmRunning', running.ms)
    record(results, variant, 'warmRunningReloads', running.reloadsDuringLoad)
    note(results, `prebundled warm (daemon running): ${running.ms.toFixed(0)} ms`)
    await stop(running.server)
    await closeBrowser(running.browser)
    await stopDaemon(cacheDir)
  }
}

/** Two dev servers of one copy at once on one cache dir, 5 loads each, the two in parallel. */
async function multiRound(variant, results) {
  const { app, cacheDir } = freshApp()
  const b = await browser()
  const t0 = performance.now()
  const servers = await Promise.all([start(variant, app, cacheDir), start(variant, app, cacheDir)])
  const outcomes = await Promise.all(servers.map(async (server) => {
    const mine = []
    for (let i = 0; i < LOADS_PER_SERVER; i++) {
      const tab = await openPage(b.context)
      const nav = countNavigations(tab.page)
      let http504 = 0
      tab.page.on('response', (r) => { if (r.status() === 504) http504++ })
      const l0 = performance.now()
      let ok = false
      let error = null
      try {
        await tab.page.goto(server.url, { timeout: 60000 })
        ok = await until(() => visible(tab.page, '#title'), 60000)
      } catch (e) {
        error = e.message.split('\n')[0]
      }
      if (!ok) {
        const state = server.child.exitCode ?? server.child.signalCode
        results.problems.push(`${variant} multi: load ${i + 1} on port ${server.port} at ${(l0 - t0).toFixed(0)} ms did not render: ${error ?? 'no #title'}; ` +
          `vite ${state === null ? 'still running' : `had exited (${state})`}`)
      }
      const ms = performance.now() - l0
      await sleep(300)
      const problems = tab.problems.filter((p) => !/favicon/.test(p))
      mine.push({ ok: ok && problems.length === 0, rendered: ok, ms, http504, reloads: Math.max(0, nav.navigations - 1), problems })
      await tab.page.close().catch(() => {})
    }
    return mine
  }))
  const allMs = performance.now() - t0
  for (const server of servers) {
    const state = server.child.exitCode ?? server.child.signalCode
    if (state !== null) results.problems.push(`${variant} multi: the dev server on port ${server.port} exited (${state}) before it was stopped; its output: ${server.output.slice(-1500)}`)
  }
  const loads = outcomes.flat()
  const failed = loads.filter((l) => !l.ok).length
  record(results, variant, 'multiFailed', failed)
  record(results, variant, 'multiNotRendered', loads.filter((l) => !l.rendered).length)
  record(results, variant, 'multi504', loads.reduce((a, l) => a + l.http504, 0))
  record(results, variant, 'multiReloads', loads.reduce((a, l) => a + l.reloads, 0))
  record(results, variant, 'multiTotal', allMs)
  for (const l of loads) record(results, variant, 'multiLoad', l.ms)
  const viteErrors = servers.map((s) => s.output.split('\n').filter((line) => /504|Outdated Optimize Dep|error|ENOENT/i.test(line)).length)
  record(results, variant, 'multiLogErrors', viteErrors[0] + viteErrors[1])
  note(results, `${variant} multi: ${loads.length - failed}/${loads.length} loads clean, ${loads.filter((l) => !l.rendered).length} not rendered, ` +
    `${loads.reduce((a, l) => a + l.http504, 0)} x 504, ${loads.reduce((a, l) => a + l.reloads, 0)} reloads, error lines in Vite's output ${viteErrors.join('+')}, all in ${allMs.toFixed(0)} ms`)
  for (const l of loads) if (l.problems.length) results.problems.push(`${variant} multi: ${l.problems.slice(0, 3).join(' | ')}`)
  for (const s of servers) {
    const lines = s.output.split('\n').filter((line) => /504|Outdated Optimize Dep|error|ENOENT/i.test(line))
    if (lines.length) results.problems.push(`${variant} multi, Vite said: ${lines.slice(0, 3).join(' | ').slice(0, 500)}`)
  }
  await Promise.all(servers.map(stop))
  await closeBrowser(b)
  if (variant === 'prebundled') await stopDaemon(cacheDir)
}

// ---------------------------------------------------------------- statistics and the report
function note(results, text) {
  results.notes.push(`round ${results.round}, ${text}`)
}

function record(results, variant, key, value) {
  ;((results[variant][key] ??= [])).push(value)
}

function median(xs) {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b)
  if (s.length === 0) return null
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`

function fmt(x, unit) {
  if (x === null || x === undefined) return '—'
  if (unit === 'ms') return x >= 100 ? x.toFixed(0) : x.toFixed(1)
  if (unit === 'KiB') return (x / 1024).toFixed(0)
  return Number.isInteger(x) ? String(x) : x.toFixed(1)
}

function cell(xs, unit) {
  if (!xs || xs.length === 0) return '—'
  const valid = xs.filter((x) => x !== null)
  const missing = xs.length - valid.length
  if (valid.length === 0) return `— (${missing} of ${xs.length} never)`
  const m = median(valid)
  const lo = Math.min(...valid)
  const hi = Math.max(...valid)
  const range = lo === hi ? '' : ` (${fmt(lo, unit)}–${fmt(hi, unit)})`
  return `${fmt(m, unit)}${range}${missing ? `, ${missing} of ${xs.length} never` : ''}`
}

function ratio(a, b) {
  const x = median((a ?? []).filter((v) => v !== null))
  const y = median((b ?? []).filter((v) => v !== null))
  if (x === null || y === null) return '—'
  if (y === 0) return x === 0 ? '1 (both 0)' : '∞ (prebundled 0)'
  return `${(x / y).toFixed(2)}x`
}

function report(results, startedAt, loadBefore, loadAfter) {
  const v = results.vite
  const p = results.prebundled
  const rows = [
    ['cold start: spawn to #title visible', 'ms', 'cold', 'cold'],
    ['  of which: spawn to URL printed', 'ms', 'coldListen', 'coldListen'],
    ['  full reloads during the first load', '', 'coldReloads', 'coldReloads'],
    ['  problems on the first load (console errors, failed requests)', '', 'coldProblems', 'coldProblems'],
    ['warm start, daemon restarted too: spawn to #title', 'ms', 'warm', 'warm'],
    ['warm start, daemon still running: spawn to #title', 'ms', 'warm', 'warmRunning'],
    ['late discovery: click to page shown', 'ms', 'lateMs', 'lateMs'],
    ['late discovery: full reloads', '', 'lateReloads', 'lateReloads'],
    ['late discovery: clicks needed', '', 'lateClicks', 'lateClicks'],
    ['late discovery: problems (console errors, failed requests)', '', 'lateProblems', 'lateProblems'],
    ['late discovery: dependency requests', '', 'lateDepRequests', 'lateDepRequests'],
    ['requests per page: dependency requests', '', 'depRequests', 'depRequests'],
    ['requests per page: dependency KiB (bodies)', 'KiB', 'depBytes', 'depBytes'],
    ['requests per page: all requests', '', 'allRequests', 'allRequests'],
    [`2 servers, one cache dir: failed loads of ${2 * LOADS_PER_SERVER}`, '', 'multiFailed', 'multiFailed'],
    ['  of which never rendered', '', 'multiNotRendered', 'multiNotRendered'],
    ['  504 responses', '', 'multi504', 'multi504'],
    ['  full reloads', '', 'multiReloads', 'multiReloads'],
    ['  error/504/ENOENT lines in Vite output', '', 'multiLogErrors', 'multiLogErrors'],
    ['  one load: goto to #title', 'ms', 'multiLoad', 'multiLoad'],
    ['  both servers started + all loads', 'ms', 'multiTotal', 'multiTotal'],
  ]
  const out = []
  out.push("## The reference app: Vite's optimizer vs prebundled, in Chromium")
  out.push('')
  out.push('Command:')
  out.push('')
  out.push('```')
  out.push(`scripts/bench vite ${ROUNDS}`)
  out.push('```')
  out.push('')
  out.push(`${startedAt.toISOString().slice(0, 10)}, ${ROUNDS} rounds, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `${os.type()} ${os.arch()}, Node ${process.version}, Vite ${viteVersion()}, Chromium headless; load average ${loadBefore} before, ${loadAfter} after.`)
  out.push('Cells are median (range) over rounds; the ratio is of medians, Vite / prebundled (above 1: prebundled')
  out.push('is faster or needs fewer; below 1: Vite is). Multi-process rows count loads over both servers per round.')
  out.push('')
  out.push("| what | Vite's optimizer | prebundled | ratio vite/prebundled |")
  out.push('|---|---|---|---|')
  for (const [name, unit, vk, pk] of rows) {
    const label = name.startsWith('  ') ? `&nbsp;&nbsp;${name.trim()}` : name
    const viteCell = vk === 'warm' && pk === 'warmRunning' ? `${cell(v[vk], unit)} (the warm start above)` : cell(v[vk], unit)
    out.push(`| ${label}${unit ? ` (${unit})` : ''} | ${viteCell} | ${cell(p[pk], unit)} | ${ratio(v[vk], p[pk])} |`)
  }
  out.push('')
  out.push('Per round:')
  out.push('')
  for (const n of results.notes) out.push(`- ${n}`)
  if (results.problems.length) {
    out.push('')
    out.push('Problems the pages reported (console errors, failed requests, HTTP >= 400), first few:')
    out.push('')
    for (const pr of [...new Set(results.problems)].slice(0, 20)) out.push(`- ${pr.replace(/\s+/g, ' ').slice(0, 400)}`)
  }
  return out.join('\n')
}

function viteVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(REFERENCE_APP, 'node_modules/vite/package.json'), 'utf8')).version
  } catch {
    return '8.4.0'
  }
}

const loadAverage = () => os.loadavg().map((x) => x.toFixed(1)).join(' / ')

// ---------------------------------------------------------------- main
const results = { vite: {}, prebundled: {}, notes: [], problems: [] }
const startedAt = new Date()
const loadBefore = loadAverage()
let exitCode = 0
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['vite', 'prebundled'] : ['prebundled', 'vite']
    for (const variant of order) {
      log(`round ${round + 1}/${ROUNDS}: ${variant}: cold, late discovery, warm`)
      results.round = round + 1
      await startRound(variant, results)
      log(`round ${round + 1}/${ROUNDS}: ${variant}: two servers on one cache dir`)
      await multiRound(variant, results)
      log(results.notes.slice(-4).join('\n'))
    }
  }
  console.log(report(results, startedAt, loadBefore, loadAverage()))
} catch (error) {
  exitCode = 1
  console.error(error)
  console.error(JSON.stringify(results, null, 1))
} finally {
  await cleanup()
  fs.rmSync(path.dirname(JAR), { recursive: true, force: true })
}
process.exit(exitCode)
