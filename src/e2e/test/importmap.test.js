// An import map that points `react` at a CDN shadows the installed react: a warning by default,
// removed with importmap: 'remove'. The browser never reaches the CDN (external requests are aborted).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { makeApp, freshCacheDir, teardown, startVite, launchBrowser, openPage, loadApp, REFERENCE_APP } from './helpers.js'

const CDN = 'https://cdn.example.invalid/react@19.3.1/index.js'
let app, cacheDir, vite, browser

before(async () => {
  const html = fs.readFileSync(path.join(REFERENCE_APP, 'index.html'), 'utf8')
    .replace('</title>', `</title>\n    <script type="importmap">\n      { "imports": { "react": "${CDN}", "left-pad": "https://cdn.example.invalid/left-pad.js" } }\n    </script>`)
  app = makeApp({ html })
  cacheDir = freshCacheDir()
  browser = await launchBrowser()
})

after(() => teardown({ servers: [vite], browser, cacheDir, apps: [app] }))

test('by default: a warning naming the entry and the option; the page is served unchanged', async () => {
  vite = await startVite(app, { cacheDir })
  const html = await (await fetch(vite.url)).text()
  assert.match(html, /type="importmap"/)
  assert.match(vite.output, /import map entry "react" → https:\/\/cdn\.example\.invalid\/react@19\.3\.1\/index\.js shadows the installed react@19\.3\.1/)
  assert.match(vite.output, /importmap: 'remove'/)
  assert.doesNotMatch(vite.output, /"left-pad"/, 'an entry for a package that is not installed is fine')
  await vite.stop()
  vite = null
})

test("importmap: 'remove' drops the entry and the page renders from the installed react", async () => {
  vite = await startVite(app, { cacheDir, env: { PREBUNDLED_IMPORTMAP: 'remove' } })
  const html = await (await fetch(vite.url)).text()
  assert.doesNotMatch(html, /cdn\.example\.invalid\/react/)
  assert.match(html, /left-pad/, 'the other entry stays')
  assert.match(vite.output, /removed import map entry "react"/)
  const tab = await openPage(browser.context)
  await loadApp(tab.page, vite.url)
  await tab.page.click('#inc')
  await tab.page.waitForFunction(() => document.querySelector('#inc')?.textContent === 'count 1')
  assert.deepEqual(tab.problems, [])
  assert.deepEqual(browser.external, [])
  await tab.page.close()
})
