// Several Vite processes on one daemon: two dev servers of one app and one of a second copy
// (its own node_modules), all started at once (they race to start the daemon); then a manual
// daemon restart (scripts/prebundled restart) and a stopped daemon under running dev servers.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { makeApp, freshCacheDir, teardown, startVite, stopDaemon, launchBrowser, openPage, loadApp, overlayText, rpc, daemonPid, ENV, PREBUNDLED_SCRIPT } from './helpers.js'

let appA, appB, cacheDir, servers = [], browser

before(async () => {
  appA = makeApp()
  appB = makeApp()
  cacheDir = freshCacheDir()
  servers = await Promise.all([appA, appA, appB].map((app) => startVite(app, { cacheDir })))
  browser = await launchBrowser()
})

after(() => teardown({ servers, browser, cacheDir, apps: [appA, appB] }))

/** Loads the app of `server` once in a new tab; returns the problems seen. */
async function loadOnce(server) {
  const tab = await openPage(browser.context)
  try {
    await loadApp(tab.page, server.url)
    await tab.page.click('#inc')
    await tab.page.waitForFunction(() => document.querySelector('#inc')?.textContent === 'count 1')
    return tab.problems
  } catch (error) {
    const overlay = await overlayText(tab.page)
    throw new Error(`${error.message}\nproblems: ${JSON.stringify(tab.problems)}\noverlay: ${overlay}\nVite:\n${server.output.slice(-3000)}`)
  } finally {
    await tab.page.close()
  }
}

/** name@version → its key directories in the cache. */
function unitDirs() {
  const v1 = path.join(cacheDir, 'v1')
  const units = new Map()
  const visit = (dir, name) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue
      if (entry.name.startsWith('@')) visit(path.join(dir, entry.name), entry.name + '/')
      else if (entry.name.includes('@')) {
        const keys = fs.readdirSync(path.join(dir, entry.name)).filter((k) => fs.existsSync(path.join(dir, entry.name, k, 'manifest.json')))
        units.set(name + entry.name, keys)
      }
    }
  }
  visit(v1, '')
  return units
}

test('three dev servers (two apps) on one daemon: 5 loads each all succeed, each unit built once', async () => {
  const pids = new Set([daemonPid(cacheDir)])
  assert.equal(pids.size, 1)
  const problems = await Promise.all(servers.map(async (server) => {
    const seen = []
    for (let i = 0; i < 5; i++) seen.push(...(await loadOnce(server)))
    return seen
  }))
  assert.deepEqual(problems, [[], [], []])
  for (const server of servers) assert.doesNotMatch(server.output, /504|Outdated Optimize Dep|error/i, server.output)
  const units = unitDirs()
  assert.ok(units.size >= 20, `${units.size} units`)
  for (const [unit, keys] of units) assert.equal(keys.length, 1, `${unit} was built ${keys.length} times`)
  const stats = await rpc(cacheDir, 'stats')
  assert.equal(stats.unitBuilds, units.size, JSON.stringify(stats))
})

test('scripts/prebundled restart under running dev servers: the next load succeeds without restarting Vite', async () => {
  const before = daemonPid(cacheDir)
  execFileSync(PREBUNDLED_SCRIPT, ['restart', '--cache-dir', cacheDir], { cwd: appA, env: ENV, stdio: 'pipe' })
  const after = daemonPid(cacheDir)
  assert.notEqual(after, before, 'a new daemon process')
  for (const server of servers) assert.deepEqual(await loadOnce(server), [])
  const health = await fetch(new URL('/__vite_health', servers[2].url))
  assert.equal(health.status, 200)
  assert.equal((await health.json()).status, 'healthy')
  const metrics = await fetch(new URL('/__vite_metrics', servers[0].url))
  assert.equal(metrics.status, 200)
  assert.match(await metrics.text(), /^# (HELP|TYPE) /m)
})

test('a stopped daemon: /__vite_health answers 503 saying what to run; the plugin starts it again when it needs it', async () => {
  await stopDaemon(cacheDir)
  const health = await fetch(new URL('/__vite_health', servers[0].url))
  assert.equal(health.status, 503)
  const body = await health.json()
  assert.equal(body.status, 'unreachable')
  assert.match(body.hint, /scripts\/prebundled start --cache-dir /)
  // Modules already resolved keep being served from the cache dir without a daemon.
  assert.deepEqual(await loadOnce(servers[1]), [])
  assert.equal(daemonPid(cacheDir), null)
  // An edited module's imports need the daemon: the plugin starts it.
  const store = path.join(appB, 'src/store.js')
  const mark = servers[2].output.length
  fs.appendFileSync(store, '// edited\n')
  // Vite's own reload for the edit comes once the plugin has resolved the edited module's imports
  // (starting the daemon): open the next tab after it, so that reload cannot abort the load.
  const deadline = Date.now() + 60000
  while (!/page reload/.test(servers[2].output.slice(mark))) {
    assert.ok(Date.now() < deadline, `no page reload for the edit in Vite's output:\n${servers[2].output.slice(mark)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  // No tab was open, so Vite keeps that reload for the next page that connects: let one page take it.
  const first = await openPage(browser.context)
  await loadApp(first.page, servers[2].url)
  // (If a closing tab's socket was still open it took the reload instead: then none comes.)
  await first.page.waitForFunction(() => window.__loads >= 2, null, { timeout: 5000 }).catch(() => {})
  await first.page.waitForSelector('#title', { timeout: 30000 })
  await first.page.close()
  const problems = await loadOnce(servers[2])
  assert.deepEqual(problems, [], `Vite's output since the edit:\n${servers[2].output.slice(mark)}`)
  assert.ok(daemonPid(cacheDir), 'the plugin started a daemon')
  assert.match(servers[2].output, /starting the daemon/)
})
