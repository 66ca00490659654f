// One copy of the reference app on one dev server: render, interactions, late discovery,
// an edit that grows a loaded package, and a restart with a warm cache.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { makeApp, freshCacheDir, teardown, startVite, stopDaemon, launchBrowser, openPage, loadApp, loads, summaryOf, rpc, sleep } from './helpers.js'

let app, cacheDir, vite, browser, tab

before(async () => {
  app = makeApp()
  cacheDir = freshCacheDir()
  vite = await startVite(app, { cacheDir })
  browser = await launchBrowser()
  tab = await openPage(browser.context)
})

after(() => teardown({ servers: [vite], browser, cacheDir, apps: [app] }))

/** The dependency URLs a page loaded (files served from the cache dir). */
const depUrls = (requests) => [...new Set(requests.filter((u) => u.includes('/v1/') && u.includes('?v=')).map((u) => new URL(u).pathname + new URL(u).search))].sort()

test('cold start: the plugin starts the daemon, scans and prewarms before serving', () => {
  const summary = summaryOf(vite.output)
  assert.ok(summary, `no summary line in Vite's output:\n${vite.output}`)
  assert.ok(summary.built > 0 && summary.units >= 20, JSON.stringify(summary))
  assert.match(vite.output, /starting the daemon/)
})

test('the page renders with no console errors or failed requests; the count button works', async () => {
  const { page, problems, requests } = tab
  await loadApp(page, vite.url)
  assert.match(await page.textContent('#title'), /Reference app — 2024-01-02/)
  assert.match(await page.textContent('#root'), /groups: a,b,c/)
  await page.click('#inc')
  await page.click('#inc')
  await page.waitForFunction(() => document.querySelector('#inc')?.textContent === 'count 2')
  // MUI styling reached the DOM (emotion + theme): the contained button is a MuiButton
  assert.match(await page.getAttribute('#inc', 'class'), /MuiButton-contained/)
  assert.deepEqual(problems, [])
  const deps = depUrls(requests)
  assert.ok(deps.length > 10, 'dependencies are served from the cache dir with ?v=')
  // Served as built: no source map inlined by Vite (it would be several times the file's size).
  const served = await (await fetch(new URL(deps[0], vite.url))).text()
  assert.doesNotMatch(served, /sourceMappingURL=data:/)
  assert.equal(await loads(page), 1)
})

test('the late-discovered page (computed import) loads with zero full reloads', async () => {
  const { page, problems } = tab
  await page.click('#load-page')
  await page.waitForSelector('#reports', { timeout: 30000 })
  await page.waitForFunction(() => /ticks=0,2,4/.test(document.querySelector('#reports')?.textContent ?? ''))
  assert.ok(await page.$('#reports .MuiSlider-root'), 'the MUI Slider rendered')
  await sleep(1000)
  assert.equal(await loads(page), 1, 'no full reload')
  assert.deepEqual(problems, [])
  assert.doesNotMatch(vite.output, /page reload/)
})

test('an edit that imports @mui/material/ButtonGroup: at most one full reload, and the Button gets group context', async () => {
  const { page, problems } = tab
  const before = await loads(page)
  const main = path.join(app, 'src/main.jsx')
  const source = fs.readFileSync(main, 'utf8')
  const edited = source
    .replace("import Button from '@mui/material/Button'\n", "import Button from '@mui/material/Button'\nimport ButtonGroup from '@mui/material/ButtonGroup'\n")
    .replace(/(<Button id="inc"[^\n]*?<\/Button>)/, '<ButtonGroup id="group">$1</ButtonGroup>')
  assert.notEqual(edited, source)
  fs.writeFileSync(main, edited)
  await page.waitForSelector('#group #inc', { timeout: 30000 })
  await page.waitForFunction(() => document.querySelector('#inc')?.classList.contains('MuiButtonGroup-grouped'), null, { timeout: 30000 })
  await sleep(1500)
  const reloads = (await loads(page)) - before
  assert.ok(reloads <= 1, `${reloads} full reloads; Vite said:\n${vite.output}`)
  assert.match(await page.getAttribute('#inc', 'class'), /MuiButtonGroup-grouped/)
  if (reloads === 1) assert.match(vite.output, /page reload.*@mui\/material@9\.6\.0.*ButtonGroup/)
  assert.deepEqual(problems.filter((p) => !/ERR_ABORTED/.test(p)), [])
})

test('a restart with a warm cache builds nothing, serves the same URLs and renders', async () => {
  const first = await openPage(browser.context)
  await loadApp(first.page, vite.url)
  const urlsBefore = depUrls(first.requests)
  await first.page.close()
  await vite.stop()
  await stopDaemon(cacheDir)
  vite = await startVite(app, { cacheDir })
  const summary = summaryOf(vite.output)
  assert.ok(summary, vite.output)
  assert.equal(summary.built, 0, vite.output)
  const stats = await rpc(cacheDir, 'stats')
  assert.equal(stats.unitBuilds, 0, JSON.stringify(stats))
  const second = await openPage(browser.context)
  await loadApp(second.page, vite.url)
  await second.page.waitForSelector('#group #inc')
  assert.deepEqual(depUrls(second.requests), urlsBefore)
  assert.deepEqual(second.problems, [])
  assert.equal((await rpc(cacheDir, 'stats')).unitBuilds, 0)
  await second.page.close()
})
