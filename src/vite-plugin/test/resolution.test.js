// Resolution edge cases with Vite's REAL resolver (a dev server's client pluginContainer, as the
// plugin's scan path uses it) over real fixture trees written by fixtures.js.
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createServer } from 'vite'
import { makeResolutionFixture } from './fixtures.js'
import {
  PackageError,
  entrySubpathOf,
  isBareImport,
  isBuiltin,
  packageNameOf,
  packageRootOf,
  readPackageIdentity,
  resolvePackageImport,
} from '../src/packages.js'

/** @type {string} */ let root
/** @type {import('vite').ViteDevServer} */ let server
/** @type {import('../src/packages.js').Resolver} */ let resolve
/** @type {string} */ let appFile

/**
 * A plugin that runs resolvePackageImport with `this.resolve(..., { skipSelf: true })` from
 * inside its resolveId hook, the way index.js's contextResolver does while serving.
 * Ask it with container.resolveId('\0probe:<specifier>', importer).
 * @type {import('vite').Plugin}
 */
const contextProbe = {
  name: 'test:context-probe',
  enforce: 'pre',
  async resolveId(id, importer) {
    if (!id.startsWith('\0probe:')) return null
    const specifier = id.slice('\0probe:'.length)
    const viaContext = (/** @type {string} */ s, /** @type {string} */ imp) => this.resolve(s, imp, { skipSelf: true })
    const result = await resolvePackageImport(viaContext, specifier, /** @type {string} */ (importer)).catch((e) => ({ error: e }))
    probeResults.set(`${specifier}\0${importer}`, result)
    return '\0probed'
  },
}
/** @type {Map<string, any>} */
const probeResults = new Map()

before(async () => {
  root = makeResolutionFixture()
  appFile = path.join(root, 'src/main.js')
  server = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    server: { middlewareMode: true, ws: false },
    // what the plugin does to Vite's optimizer: off, so ids are the packages' own files
    optimizeDeps: { noDiscovery: true, include: [] },
    plugins: [contextProbe],
  })
  const container = server.environments.client.pluginContainer
  resolve = (id, importer) => container.resolveId(id, importer)
})

after(async () => {
  await server?.close()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

/** @param {string} rel */
const abs = (rel) => path.join(root, rel)

/**
 * resolvePackageImport from `importer` (relative to the fixture root), asserting a package.
 * @param {string} specifier @param {string} [importer]
 */
async function pkg(specifier, importer = 'src/main.js') {
  const result = await resolvePackageImport(resolve, specifier, abs(importer), importer)
  assert.equal(result.kind, 'package', `${specifier} from ${importer}: ${JSON.stringify(result)}`)
  return /** @type {import('../src/packages.js').PackageImport} */ (result)
}

/** @param {string} specifier @param {string} [importer] */
async function vite(specifier, importer = 'src/main.js') {
  const result = await resolvePackageImport(resolve, specifier, abs(importer), importer)
  assert.equal(result.kind, 'vite', `${specifier} from ${importer} should stay with Vite: ${JSON.stringify(result)}`)
  return /** @type {import('../src/packages.js').ViteImport} */ (result)
}

describe('plain and scoped packages', () => {
  test('a CommonJS package with an exports map: root, name, version, entry', async () => {
    const r = await pkg('react')
    assert.deepEqual(r, {
      kind: 'package',
      specifier: 'react',
      file: abs('node_modules/react/index.js'),
      packageRoot: abs('node_modules/react'),
      name: 'react',
      version: '19.3.1',
      entry: '.',
    })
    const jsx = await pkg('react/jsx-runtime')
    assert.equal(jsx.file, abs('node_modules/react/jsx-runtime.js'))
    assert.equal(jsx.packageRoot, abs('node_modules/react'))
    assert.equal(jsx.entry, './jsx-runtime')
  })

  test('a scoped package: the root is @scope/name, not a nested package.json folder', async () => {
    const main = await pkg('@scope/lib')
    assert.equal(main.packageRoot, abs('node_modules/@scope/lib'))
    assert.equal(main.name, '@scope/lib')
    assert.equal(main.version, '2.1.0')
    assert.equal(main.entry, '.')
    // @scope/lib/client/ has its own package.json (no name): it must not become the root
    const client = await pkg('@scope/lib/client')
    assert.equal(client.file, abs('node_modules/@scope/lib/client/index.js'))
    assert.equal(client.packageRoot, abs('node_modules/@scope/lib'))
    assert.equal(client.name, '@scope/lib')
    assert.equal(client.version, '2.1.0')
    assert.equal(client.entry, './client')
  })

  test('a pnpm layout: the root is after the LAST node_modules segment', async () => {
    const r = await pkg('pn')
    assert.equal(r.packageRoot, abs('node_modules/.pnpm/pn@1.0.0/node_modules/pn'))
    assert.equal(r.name, 'pn')
    assert.equal(r.version, '1.0.0')
    assert.equal(r.entry, '.')
  })
})

describe('deep imports', () => {
  test('without an exports map (folders with their own package.json, MUI style)', async () => {
    const main = await pkg('deep-pkg')
    assert.equal(main.file, abs('node_modules/deep-pkg/esm/index.js'), 'the module field wins for the browser')
    assert.equal(main.entry, '.')
    const button = await pkg('deep-pkg/Button')
    assert.equal(button.file, abs('node_modules/deep-pkg/esm/Button.js'))
    assert.equal(button.packageRoot, abs('node_modules/deep-pkg'), 'Button/package.json is not the package root')
    assert.equal(button.name, 'deep-pkg', 'the name is the root package.json\'s, not deep-pkg-button-internal')
    assert.equal(button.version, '3.0.0')
    assert.equal(button.entry, './Button')
    const utils = await pkg('deep-pkg/utils')
    assert.equal(utils.file, abs('node_modules/deep-pkg/utils/index.js'))
    assert.equal(utils.entry, './utils')
    const file = await pkg('deep-pkg/esm/Button.js')
    assert.equal(file.file, abs('node_modules/deep-pkg/esm/Button.js'))
    assert.equal(file.entry, './esm/Button.js')
  })

  test('through an exports map with subpath patterns', async () => {
    const alpha = await pkg('patterned/features/alpha')
    assert.equal(alpha.file, abs('node_modules/patterned/dist/features/alpha.js'))
    assert.equal(alpha.packageRoot, abs('node_modules/patterned'))
    assert.equal(alpha.name, 'patterned')
    assert.equal(alpha.version, '4.5.6')
    assert.equal(alpha.entry, './features/alpha', 'the entry is the specifier\'s subpath, not the file')
    const beta = await pkg('patterned/features/nested/beta')
    assert.equal(beta.file, abs('node_modules/patterned/dist/features/nested/beta.js'))
    assert.equal(beta.entry, './features/nested/beta')
  })

  test('a subpath the exports map excludes (null pattern) or does not list is an error naming the import and importer', async () => {
    for (const specifier of ['patterned/features/private/secret', 'patterned/dist/features/alpha.js', '@scope/lib/nope']) {
      await assert.rejects(resolvePackageImport(resolve, specifier, appFile, 'src/main.js'), (e) => {
        assert.ok(e instanceof PackageError, String(e))
        assert.equal(e.code, 'MODULE_NOT_FOUND')
        assert.ok(e.message.includes(`"${specifier}"`), e.message)
        assert.ok(e.message.includes('src/main.js'), e.message)
        assert.match(e.message, /not exported/, 'Vite\'s reason is kept')
        return true
      })
    }
  })

  test('a missing file of an installed package without exports map: says it is installed, not "npm install"', async () => {
    await assert.rejects(resolvePackageImport(resolve, 'deep-pkg/nope', appFile, 'src/main.js'), (e) => {
      assert.ok(e instanceof PackageError)
      assert.equal(e.code, 'MODULE_NOT_FOUND')
      assert.ok(e.message.includes('"deep-pkg/nope"'), e.message)
      assert.ok(e.message.includes('src/main.js'), e.message)
      assert.ok(e.message.includes('is installed'), e.message)
      assert.ok(!e.message.includes('npm install'), e.message)
      return true
    })
  })
})

describe('nested versions', () => {
  test('a@2 at the top; from b (its file or its package.json, as built files resolve) a@1', async () => {
    const top = await pkg('a')
    assert.equal(top.packageRoot, abs('node_modules/a'))
    assert.equal(top.version, '2.0.0')
    for (const importer of ['node_modules/b/index.js', 'node_modules/b/package.json']) {
      const nested = await pkg('a', importer)
      assert.equal(nested.file, abs('node_modules/b/node_modules/a/index.js'), importer)
      assert.equal(nested.packageRoot, abs('node_modules/b/node_modules/a'), importer)
      assert.equal(nested.name, 'a')
      assert.equal(nested.version, '1.0.0', importer)
      assert.equal(nested.entry, '.')
    }
  })

  test('the two versions are two different units', async () => {
    const top = await pkg('a')
    const nested = await pkg('a', 'node_modules/b/package.json')
    assert.notEqual(top.packageRoot, nested.packageRoot)
    assert.notEqual(top.version, nested.version)
  })
})

describe('self-imports', () => {
  test('a package importing itself by name resolves to its own root and entry', async () => {
    const util = await pkg('selfie/util', 'node_modules/selfie/index.js')
    assert.equal(util.file, abs('node_modules/selfie/util.js'))
    assert.equal(util.packageRoot, abs('node_modules/selfie'))
    assert.equal(util.name, 'selfie')
    assert.equal(util.version, '1.2.3')
    assert.equal(util.entry, './util')
    const main = await pkg('selfie', 'node_modules/selfie/util.js')
    assert.equal(main.file, abs('node_modules/selfie/index.js'))
    assert.equal(main.packageRoot, abs('node_modules/selfie'))
    assert.equal(main.entry, '.')
    // and the same unit as the app's import of it
    const fromApp = await pkg('selfie/util')
    assert.equal(fromApp.packageRoot, util.packageRoot)
    assert.equal(fromApp.entry, util.entry)
  })
})

describe('builtins', () => {
  test('fs, path, fs/promises and node:path stay with Vite as builtins', async () => {
    for (const specifier of ['fs', 'path', 'fs/promises', 'node:path', 'node:fs']) {
      const r = await vite(specifier)
      assert.deepEqual(r, { kind: 'vite', specifier, reason: 'builtin' }, specifier)
    }
  })

  test('an installed polyfill named like a builtin (events) is a package', async () => {
    const r = await pkg('events')
    assert.equal(r.file, abs('node_modules/events/events.js'))
    assert.equal(r.name, 'events')
    assert.equal(r.version, '3.3.0')
  })

  test('a builtin the resolver does not find is still left to Vite, not "not installed"', async () => {
    const none = async () => null
    assert.deepEqual(await resolvePackageImport(none, 'crypto', appFile), { kind: 'vite', specifier: 'crypto', reason: 'builtin' })
    const external = async () => ({ id: 'stream', external: true })
    assert.deepEqual(await resolvePackageImport(external, 'stream', appFile), { kind: 'vite', specifier: 'stream', reason: 'builtin' })
  })
})

describe('non-JavaScript files of packages stay with Vite', () => {
  test('CSS, CSS with a query, JSON and an asset', async () => {
    for (const specifier of ['styles-pkg/style.css', 'styles-pkg/style.css?inline', 'styles-pkg/data.json', 'styles-pkg/assets/logo.svg']) {
      const r = await vite(specifier)
      assert.deepEqual(r, { kind: 'vite', specifier, reason: 'not-js' }, specifier)
    }
    // while the package's JavaScript entry is a package
    const js = await pkg('styles-pkg')
    assert.equal(js.file, abs('node_modules/styles-pkg/index.js'))
  })
})

describe('not installed', () => {
  test('an error naming the package, the specifier and the importer, with the install command', async () => {
    const cases = [
      ['missing-pkg', 'missing-pkg', 'src/main.js'],
      ['missing-pkg/sub/path', 'missing-pkg', 'src/main.js'],
      ['@scope/missing/x', '@scope/missing', 'src/main.js'],
      ['missing-dep', 'missing-dep', 'node_modules/b/index.js'],
    ]
    for (const [specifier, name, importer] of cases) {
      await assert.rejects(resolvePackageImport(resolve, specifier, abs(importer), importer), (e) => {
        assert.ok(e instanceof PackageError, String(e))
        assert.equal(e.name, 'PackageError')
        assert.equal(e.code, 'MODULE_NOT_FOUND')
        assert.ok(e.message.includes(`Cannot find package "${name}"`), e.message)
        assert.ok(e.message.includes(`"${specifier}"`), e.message)
        assert.ok(e.message.includes(importer), e.message)
        assert.ok(e.message.includes(`npm install ${name}`), e.message)
        return true
      })
    }
  })

  test('the importer is shown as given (the plugin passes a root-relative name)', async () => {
    await assert.rejects(resolvePackageImport(resolve, 'missing-pkg', appFile), (e) => {
      assert.ok(e.message.includes(appFile), e.message)
      return true
    })
  })
})

describe('linked workspace packages and aliases', () => {
  test('a symlinked workspace package outside node_modules stays with Vite', async () => {
    assert.ok(fs.lstatSync(abs('node_modules/linked')).isSymbolicLink(), 'the fixture links it')
    const r = await vite('linked')
    assert.deepEqual(r, { kind: 'vite', specifier: 'linked', reason: 'linked' })
    // also from inside the linked package itself
    assert.equal((await vite('linked', 'packages/linked/index.js')).reason, 'linked')
  })

  test('an npm alias (folder my-react holds package "react"): the entry is the resolved file', async () => {
    const main = await pkg('my-react')
    assert.equal(main.packageRoot, abs('node_modules/my-react'))
    assert.equal(main.name, 'react')
    assert.equal(main.version, '18.0.0')
    assert.equal(main.entry, './index.js')
    const jsx = await pkg('my-react/jsx-runtime')
    assert.equal(jsx.entry, './jsx-runtime.js')
  })

  test('virtual modules and ids with a query from the resolver stay with Vite', async () => {
    const virtual = async () => ({ id: '\0virtual:thing' })
    assert.deepEqual(await resolvePackageImport(virtual, 'thing', appFile), { kind: 'vite', specifier: 'thing', reason: 'virtual' })
    const relative = async () => ({ id: 'not/absolute.js' })
    assert.equal((await resolvePackageImport(relative, 'thing', appFile)).kind, 'vite')
  })
})

describe("through a plugin context's this.resolve (as while serving)", () => {
  test('gives the same answers as the container', async () => {
    const container = server.environments.client.pluginContainer
    const cases = [
      ['@scope/lib/client', 'src/main.js'],
      ['a', 'node_modules/b/package.json'],
      ['a', 'src/main.js'],
      ['patterned/features/alpha', 'src/main.js'],
      ['selfie/util', 'node_modules/selfie/index.js'],
      ['fs', 'src/main.js'],
      ['styles-pkg/style.css', 'src/main.js'],
      ['linked', 'src/main.js'],
    ]
    for (const [specifier, importer] of cases) {
      const probed = await container.resolveId(`\0probe:${specifier}`, abs(importer))
      assert.equal(probed?.id, '\0probed')
      const viaContext = probeResults.get(`${specifier}\0${abs(importer)}`)
      const direct = await resolvePackageImport(resolve, specifier, abs(importer))
      assert.deepEqual(viaContext, direct, `${specifier} from ${importer}`)
    }
    assert.equal(probeResults.get(`a\0${abs('node_modules/b/package.json')}`).version, '1.0.0')
    await container.resolveId('\0probe:missing-pkg', appFile)
    const missing = probeResults.get(`missing-pkg\0${appFile}`)
    assert.ok(missing.error instanceof PackageError, String(missing.error))
    assert.equal(missing.error.code, 'MODULE_NOT_FOUND')
  })
})

describe('packageRootOf', () => {
  const cases = [
    ['/app/node_modules/react/index.js', '/app/node_modules/react'],
    ['/app/node_modules/react/cjs/react.development.js', '/app/node_modules/react'],
    ['/app/node_modules/@scope/lib/client/index.js', '/app/node_modules/@scope/lib'],
    ['/app/node_modules/b/node_modules/a/index.js', '/app/node_modules/b/node_modules/a'],
    ['/app/node_modules/@s/b/node_modules/@t/a/x/y.js', '/app/node_modules/@s/b/node_modules/@t/a'],
    ['/app/node_modules/.pnpm/pn@1.0.0/node_modules/pn/index.js', '/app/node_modules/.pnpm/pn@1.0.0/node_modules/pn'],
    ['C:\\app\\node_modules\\react\\index.js', 'C:/app/node_modules/react'],
    ['/app/src/main.js', null],
    ['/app/packages/linked/index.js', null],
    ['/app/node_modules/loose-file.js', null],
    ['/app/node_modules/@scope/only-scope.js', null],
    ['/app/node_modules/', null],
  ]
  for (const [file, expected] of cases) {
    test(`${file} → ${expected}`, () => assert.equal(packageRootOf(file), expected))
  }
})

describe('packageNameOf / entrySubpathOf', () => {
  const cases = [
    ['react', 'react', '.'],
    ['react/', 'react', '.'],
    ['react-dom/client', 'react-dom', './client'],
    ['lodash/fp/map', 'lodash', './fp/map'],
    ['@mui/material', '@mui/material', '.'],
    ['@mui/material/Button', '@mui/material', './Button'],
    ['@mui/material/styles/createTheme', '@mui/material', './styles/createTheme'],
    ['deep-pkg/esm/Button.js', 'deep-pkg', './esm/Button.js'],
  ]
  for (const [specifier, name, entry] of cases) {
    test(`${specifier} → ${name} ${entry}`, () => {
      assert.equal(packageNameOf(specifier), name)
      assert.equal(entrySubpathOf(specifier), entry)
    })
  }
})

describe('isBareImport / isBuiltin', () => {
  test('what may go to the daemon and what not', () => {
    for (const id of ['react', 'react-dom/client', '@scope/lib', '@scope/lib/client', 'lodash.debounce', 'fs', 'events', '_private']) {
      assert.equal(isBareImport(id), true, id)
    }
    for (const id of [
      './x.js', '../x.js', '/src/x.js', '\0virtual', 'virtual:foo', 'node:fs', 'https://cdn.example/x.js', '#internal',
      'react?url', 'pkg/style.css?inline', '@scope', '@scope/', 'vite/modulepreload-polyfill', '@vite/client',
      '@vite/env', '@oxc-project/runtime/helpers/x', '@id/x', '@fs/x', 'C:\\x.js', '',
    ]) {
      assert.equal(isBareImport(id), false, id)
    }
  })

  test('builtins with and without node:, and their subpaths', () => {
    for (const id of ['fs', 'fs/promises', 'node:fs', 'node:test', 'path', 'events', 'crypto']) assert.equal(isBuiltin(id), true, id)
    for (const id of ['react', '@scope/fs', 'fsx', 'lodash/fs']) assert.equal(isBuiltin(id), false, id)
  })
})

describe('readPackageIdentity', () => {
  test('reads name and version; re-reads after the file changes; errors with codes', async () => {
    const dir = abs('node_modules/identity-probe')
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'identity-probe', version: '1.0.0' }))
    assert.deepEqual(
      { ...readPackageIdentity(dir), mtimeMs: undefined },
      { name: 'identity-probe', version: '1.0.0', mtimeMs: undefined },
    )
    const later = new Date(Date.now() + 5000)
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'identity-probe', version: '1.0.1' }))
    fs.utimesSync(path.join(dir, 'package.json'), later, later)
    assert.equal(readPackageIdentity(dir).version, '1.0.1')
    fs.writeFileSync(path.join(dir, 'package.json'), '{ broken')
    fs.utimesSync(path.join(dir, 'package.json'), new Date(later.getTime() + 5000), new Date(later.getTime() + 5000))
    assert.throws(() => readPackageIdentity(dir), (e) => e instanceof PackageError && e.code === 'INVALID_PACKAGE' && e.message.includes(dir))
    assert.throws(() => readPackageIdentity(abs('node_modules/nothing-here')), (e) => e.code === 'INVALID_PACKAGE')
  })
})
