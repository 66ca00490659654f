// When no daemon answers and none can be started, every bare import fails with an error that
// says what to run (Vite shows it in its overlay), and the health endpoint says the same.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createServer } from 'vite'
import prebundled from '../index.js'
import { writeTree } from './fixtures.js'

const app = writeTree({
  'package.json': { name: 'app', private: true },
  'index.html': '<script type="module" src="/main.js"></script>\n',
  'main.js': "import dep from 'dep'\nconsole.log(dep)\n",
  'node_modules/dep/package.json': { name: 'dep', version: '1.0.0', main: 'index.js' },
  'node_modules/dep/index.js': 'module.exports = 1\n',
})
const jar = path.join(app, 'missing', 'prebundled.jar')
let server

after(async () => {
  await server?.close()
  fs.rmSync(app, { recursive: true, force: true })
})

test('a bare import fails naming the missing jar and the command that builds it', async () => {
  server = await createServer({
    root: app,
    configFile: false,
    logLevel: 'silent',
    server: { middlewareMode: true, ws: false },
    plugins: [prebundled({ jar, startTimeout: 5000, optimizeDeps: { cacheDir: path.join(app, '.cache') } })],
  })
  await assert.rejects(server.environments.client.transformRequest('/main.js'), (error) => {
    assert.match(error.message, /missing\/prebundled\.jar/)
    assert.match(error.message, /does not exist/)
    assert.match(error.message, /scripts\/setup/)
    return true
  })
})
