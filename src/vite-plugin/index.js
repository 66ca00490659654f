// vite-plugin-prebundled: hands dependency pre-bundling to the prebundled daemon.
// The plugin is thin: it switches Vite's optimizer off, finds (package root, name, version,
// entry) of every bare import with Vite's own resolver, asks the daemon and serves the built
// file. Bundling, caching, retries and limits live in the daemon.
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { searchForWorkspaceRoot } from 'vite'
import { resolveOptions, toDaemonSettings } from './src/options.js'
import { DaemonClient, DaemonError, DaemonUnreachableError, restartCommand } from './src/daemon.js'
import { PackageError, isBareImport, isNodeModeImporter, resolvePackageImport } from './src/packages.js'
import { bareImportsOf } from './src/imports.js'
import { describeConflict, processImportMaps } from './src/importmap.js'
import { colors, createPluginLogger } from './src/log.js'

export { resolveOptions, OptionsError, KNOBS } from './src/options.js'
export { resolvePackageImport, packageRootOf, entrySubpathOf, packageNameOf, isBareImport, isNodeModeImporter } from './src/packages.js'
export { processImportMaps, findConflictingEntries } from './src/importmap.js'
export { DaemonClient, PROTOCOL_VERSION } from './src/daemon.js'

/** `custom` option of our own resolutions through Vite's resolver: our resolveId steps aside. */
const VITE_ONLY = 'prebundled:vite-only'
const METRICS_PATH = '/__vite_metrics'
const RELOAD_DEBOUNCE_MS = 30

/**
 * @typedef {import('./src/packages.js').PackageImport} PackageImport
 * @typedef {{ kind: 'file', id: string } | { kind: 'vite' } | { kind: 'error', error: Error }} Answer
 */

/**
 * The prebundled Vite plugin.
 * @param {import('./index.js').PrebundledOptions} [options]
 * @returns {import('vite').Plugin[]}
 */
export default function prebundled(options = {}) {
  resolveOptions(options) // fail at once on unknown keys and bad values
  const state = createState()

  /** @type {import('vite').Plugin} */
  const main = {
    name: 'vite-plugin-prebundled',
    enforce: 'pre',
    apply: 'serve',

    config(userConfig) {
      state.options = resolveOptions(options, userConfig)
      const root = path.resolve(userConfig.root ?? process.cwd())
      const { cacheDir, logFile } = cachePaths(state.options.knobs, root)
      return {
        optimizeDeps: { noDiscovery: true, include: [] },
        server: { watch: { ignored: [path.join(cacheDir, '**'), `${logFile}*`] } },
      }
    },

    configResolved(config) {
      disableDepOptimizer(config)
      state.config = config
      state.root = config.root
      Object.assign(state, cachePaths(state.options.knobs, config.root))
      allowCacheDir(config, state.cacheDir)
      state.log = createPluginLogger(config.logger)
    },

    configureServer(server) {
      state.server = server
      state.client = createDaemonClient(state)
      server.middlewares.use(createEndpointsMiddleware(state))
      state.ready = prepareDeps(state, server)
      server.middlewares.use((req, res, next) => {
        state.ready.then(() => next(), next)
      })
    },

    async resolveId(id, importer, resolveOptions) {
      if (resolveOptions?.custom?.[VITE_ONLY] || !importer || resolveOptions?.scan) return null
      if (!isBareImport(id) || !isClient(this)) return null
      await state.ready
      const importerFile = cleanUrl(importer)
      let answer = state.batches.get(importerFile)?.get(id)
      if (!answer) {
        const batch = await resolveBatch(state, contextResolver(this), importerFile, [id])
        answer = batch.get(id)
      }
      return answerToResolveResult(/** @type {Answer} */ (answer))
    },

    /**
     * Built files are served without source maps: `{ mappings: '' }` tells Vite there is none, so
     * it neither inlines the map importAnalysis makes (several times the file's size) nor a
     * fallback one. Their code is the package's own code, bundled, and reads as such.
     */
    load(id) {
      const file = cleanUrl(id)
      if (!file.startsWith(state.cacheDir + '/') || !file.endsWith('.js')) return null
      return fs.promises.readFile(file, 'utf8').then((code) => ({ code, map: { mappings: '' } }))
    },

    async hotUpdate({ modules }) {
      if (!isClient(this) || !state.server) return
      return reloadIfUnitsGrew(state, this.environment, modules)
    },

    transformIndexHtml: {
      order: 'pre',
      handler(html, ctx) {
        return checkImportMaps(state, html, ctx.path)
      },
    },

    closeBundle() {
      state.client?.close()
    },
  }

  /** Runs after Vite's own transforms (JSX, TS, globs): reads the final imports of a module. */
  /** @type {import('vite').Plugin} */
  const batchImports = {
    name: 'vite-plugin-prebundled:batch-imports',
    enforce: 'post',
    apply: 'serve',
    async transform(code, id) {
      if (!isClient(this) || id.startsWith('\0') || id.includes('/@id/__x00__')) return null
      const specifiers = await bareImportsOf(code)
      const importerFile = cleanUrl(id)
      if (!specifiers || specifiers.length === 0) {
        state.batches.delete(importerFile)
        return null
      }
      await state.ready
      await resolveBatch(state, contextResolver(this), importerFile, specifiers, { replace: true })
      return null
    },
  }

  return [main, batchImports]
}

function createState() {
  return {
    /** @type {import('./src/options.js').ResolvedOptions} */
    options: /** @type {any} */ (null),
    /** @type {import('vite').ResolvedConfig} */
    config: /** @type {any} */ (null),
    root: '',
    cacheDir: '',
    logFile: '',
    /** @type {ReturnType<typeof createPluginLogger>} */
    log: /** @type {any} */ (null),
    /** @type {import('vite').ViteDevServer | null} */
    server: null,
    /** @type {DaemonClient | null} */
    client: null,
    /** @type {Promise<void>} */
    ready: Promise.resolve(),
    /** answers of each importer's batch: importer file → specifier → answer */
    batches: /** @type {Map<string, Map<string, Answer>>} */ (new Map()),
    /** every outDir of a bundle result → the package root its bare imports resolve from */
    outDirs: /** @type {Map<string, string>} */ (new Map()),
    /** reloads asked by the daemon, waiting to be sent as one */
    pendingReloads: /** @type {any[]} */ ([]),
    /** @type {NodeJS.Timeout | null} */
    reloadTimer: null,
    /** while set, reloads are collected here instead of being sent (hotUpdate decides) */
    capturedReloads: /** @type {any[] | null} */ (null),
    warnedImportMaps: /** @type {Set<string>} */ (new Set()),
    /** directory → its nearest package.json has "type": "module" */
    moduleTypes: /** @type {Map<string, boolean>} */ (new Map()),
    warnedSettings: '',
  }
}

/** @typedef {ReturnType<typeof createState>} State */

/**
 * The cache dir and log file of the resolved knobs, absolute.
 * @param {Record<string, unknown>} knobs @param {string} root
 */
function cachePaths(knobs, root) {
  return {
    cacheDir: path.resolve(root, /** @type {string} */ (knobs['optimizeDeps.cacheDir'])),
    logFile: path.resolve(root, /** @type {string} */ (knobs['logger.file.path'])),
  }
}

/**
 * Switches Vite's dependency optimizer off for the client: noDiscovery and an empty include,
 * mutated here because other plugins add to include in their config hooks.
 * @param {import('vite').ResolvedConfig} config
 */
function disableDepOptimizer(config) {
  const targets = new Set([config.optimizeDeps])
  for (const environment of Object.values(config.environments ?? {})) {
    if (environment.consumer === 'client') targets.add(environment.optimizeDeps)
  }
  for (const optimizeDeps of targets) {
    if (!optimizeDeps) continue
    optimizeDeps.noDiscovery = true
    if (Array.isArray(optimizeDeps.include)) optimizeDeps.include.length = 0
    else optimizeDeps.include = []
  }
}

/**
 * A cache dir outside the root must be in server.fs.allow (inside it, Vite allows it already).
 * @param {import('vite').ResolvedConfig} config @param {string} cacheDir
 */
function allowCacheDir(config, cacheDir) {
  const allow = config.server?.fs?.allow
  if (!Array.isArray(allow)) return
  const inside = (/** @type {string} */ dir) => cacheDir === dir || cacheDir.startsWith(dir.endsWith('/') ? dir : dir + '/')
  if (!allow.some((dir) => inside(path.resolve(config.root, dir)))) allow.push(cacheDir)
}

/** @param {State} state */
function createDaemonClient(state) {
  const { options, root, cacheDir } = state
  const workspaceRoot = searchForWorkspaceRoot(root)
  const settings = toDaemonSettings(options.knobs, root)
  return new DaemonClient({
    cacheDir,
    projectRoots: workspaceRoot !== root ? [root, workspaceRoot] : [root],
    settings,
    jar: options.jar,
    java: options.java,
    startTimeout: options.startTimeout,
    onStart: (message) => state.log.info(colors.dim(message)),
    onHello: (hello) => warnSettingsMismatch(state, hello),
  })
}

/** @param {State} state @param {any} hello */
function warnSettingsMismatch(state, hello) {
  const mismatch = Array.isArray(hello.settingsMismatch) ? hello.settingsMismatch : []
  if (mismatch.length === 0) return
  const text = mismatch
    .map((m) => `${m.key} is ${JSON.stringify(m.daemon)} (yours: ${JSON.stringify(m.client)})`)
    .join(', ')
  if (text === state.warnedSettings) return
  state.warnedSettings = text
  state.log.warn(
    `the daemon (pid ${hello.pid}) runs with other settings: ${text}. ` +
      `To apply yours, restart it: ${restartCommand(state.cacheDir)} ` +
      '(or stop it with java -jar prebundled.jar stop --cache-dir ' + state.cacheDir + ' and restart Vite)',
  )
}

/** @param {{environment?: import('vite').Environment}} context */
function isClient(context) {
  return !context.environment || context.environment.config.consumer === 'client'
}

/**
 * Vite's resolver from a plugin context, with our own resolveId out of the way.
 * @param {import('rollup').PluginContext} context
 * @returns {import('./src/packages.js').Resolver}
 */
function contextResolver(context) {
  return (id, importer) => context.resolve(id, importer, { skipSelf: true, custom: { [VITE_ONLY]: true } })
}

/** @param {string} url */
function cleanUrl(url) {
  return url.replace(/[?#].*$/s, '')
}

/**
 * The file to resolve an importer's bare imports from: for a built file, the original package's
 * package.json (so nested versions resolve as Node would); else the importer itself.
 * @param {State} state @param {string} importerFile
 */
function resolutionImporter(state, importerFile) {
  if (!importerFile.startsWith(state.cacheDir + '/')) return importerFile
  for (let dir = path.dirname(importerFile); dir.startsWith(state.cacheDir); dir = path.dirname(dir)) {
    const packageRoot = state.outDirs.get(dir)
    if (packageRoot) return path.join(packageRoot, 'package.json')
    if (dir === path.dirname(dir)) break
  }
  throw new PackageError(
    `${importerFile} is a built file that this dev server did not hand out (its package root is unknown); reload the page`,
    'BAD_REQUEST',
  )
}

/**
 * Resolves the bare imports of one importer as one batch: Vite's resolver finds each package
 * entry, one `bundle` call builds or finds them all, the answers are kept for resolveId.
 * @param {State} state
 * @param {import('./src/packages.js').Resolver} resolve
 * @param {string} importerFile
 * @param {string[]} specifiers
 * @param {{replace?: boolean}} [opts] replace the importer's earlier answers (its code changed)
 * @returns {Promise<Map<string, Answer>>}
 */
async function resolveBatch(state, resolve, importerFile, specifiers, opts = {}) {
  /** @type {Map<string, Answer>} */
  const answers = new Map()
  const shown = shortName(state, importerFile)
  let from
  try {
    from = resolutionImporter(state, importerFile)
  } catch (error) {
    for (const s of specifiers) answers.set(s, { kind: 'error', error: /** @type {Error} */ (error) })
    return storeBatch(state, importerFile, answers, opts)
  }
  const found = await Promise.all(
    specifiers.map((s) => resolvePackageImport(resolve, s, from, shown).catch((error) => ({ kind: 'error', specifier: s, error }))),
  )
  /** @type {PackageImport[]} */
  const packages = []
  for (const entry of found) {
    if (entry.kind === 'package') packages.push(/** @type {PackageImport} */ (entry))
    else if (entry.kind === 'vite') answers.set(entry.specifier, { kind: 'vite' })
    else answers.set(entry.specifier, { kind: 'error', error: /** @type {any} */ (entry).error })
  }
  if (packages.length > 0) {
    // Built files keep Vite's default interop; app code in Node mode gets the Node-mode facades.
    const nodeMode = !importerFile.startsWith(state.cacheDir + '/') && isNodeModeImporter(importerFile, state.moduleTypes)
    for (const [specifier, answer] of await bundlePackages(state, packages, nodeMode)) answers.set(specifier, answer)
  }
  return storeBatch(state, importerFile, answers, opts)
}

/**
 * @param {State} state @param {string} importerFile @param {Map<string, Answer>} answers
 * @param {{replace?: boolean}} opts
 */
function storeBatch(state, importerFile, answers, opts) {
  const existing = opts.replace ? null : state.batches.get(importerFile)
  if (existing) for (const [s, a] of answers) existing.set(s, a)
  else state.batches.set(importerFile, answers)
  return answers
}

/**
 * The `bundle` params for a list of package imports.
 * @param {State} state @param {PackageImport[]} packages
 */
function bundleParams(state, packages) {
  const resolve = state.config.environments?.client?.resolve ?? state.config.resolve
  return {
    project: state.root,
    mode: state.config.mode,
    conditions: resolve?.conditions,
    mainFields: resolve?.mainFields,
    imports: packages.map(({ specifier, packageRoot, name, version, entry }) => ({ specifier, packageRoot, name, version, entry })),
  }
}

/**
 * Asks the daemon for a batch of package imports; maps results to answers and remembers each
 * result's outDir → packageRoot. Sends (or hands to hotUpdate) a reload when a unit grew.
 * @param {State} state @param {PackageImport[]} packages
 * @param {boolean} nodeMode the importer is Node-mode ESM: take each result's nodeFile where it has one
 * @returns {Promise<Map<string, Answer>>}
 */
async function bundlePackages(state, packages, nodeMode) {
  /** @type {Map<string, Answer>} */
  const answers = new Map()
  let response
  try {
    response = await state.client.request('bundle', bundleParams(state, packages))
  } catch (error) {
    for (const p of packages) answers.set(p.specifier, { kind: 'error', error: explainDaemonFailure(p, error) })
    return answers
  }
  const reloads = []
  for (const result of response.results ?? []) {
    if (result.error) {
      answers.set(result.specifier, { kind: 'error', error: new DaemonError(result.error) })
      continue
    }
    if (result.outDir && result.packageRoot) state.outDirs.set(path.resolve(result.outDir), path.resolve(result.packageRoot))
    const [file, hash] = nodeMode && result.nodeFile ? [result.nodeFile, result.nodeHash] : [result.file, result.hash]
    answers.set(result.specifier, { kind: 'file', id: `${file}?v=${hash}` })
    if (result.reload) reloads.push(result.reload)
  }
  for (const p of packages) {
    if (!answers.has(p.specifier)) {
      answers.set(p.specifier, { kind: 'error', error: new Error(`[prebundled] the daemon gave no answer for "${p.specifier}"`) })
    }
  }
  if (reloads.length > 0) onUnitsGrew(state, reloads)
  return answers
}

/** @param {PackageImport} p @param {unknown} error */
function explainDaemonFailure(p, error) {
  if (error instanceof DaemonUnreachableError) return error
  const e = /** @type {Error} */ (error)
  return new Error(`[prebundled] bundling ${p.name}@${p.version} (${p.specifier}) failed: ${e.message}`)
}

/**
 * resolveId's answer for a batch answer.
 * @param {Answer} answer
 */
function answerToResolveResult(answer) {
  if (answer.kind === 'file') return answer.id
  if (answer.kind === 'vite') return null
  throw answer.error
}

/**
 * A unit that a browser already loaded had to grow: every module that holds URLs of its old
 * build is stale, so the module graph and the batches are dropped and the page reloads once.
 * @param {State} state @param {any[]} reloads
 */
function onUnitsGrew(state, reloads) {
  state.batches.clear()
  state.server?.environments?.client?.moduleGraph.invalidateAll()
  if (state.capturedReloads) {
    state.capturedReloads.push(...reloads)
    return
  }
  state.pendingReloads.push(...reloads)
  if (state.reloadTimer) return
  state.reloadTimer = setTimeout(() => {
    state.reloadTimer = null
    const all = state.pendingReloads.splice(0)
    sendFullReload(state, all)
  }, RELOAD_DEBOUNCE_MS)
}

/** @param {State} state @param {any[]} reloads */
function sendFullReload(state, reloads) {
  const why = [...new Set(reloads.map((r) => `${r.unit} grew (${(r.newEntries ?? []).join(', ')})`))].join('; ')
  state.log.info(colors.green('page reload ') + colors.dim(why))
  const hot = state.server?.environments?.client?.hot ?? state.server?.ws
  hot?.send({ type: 'full-reload', path: '*' })
  // Every page starts over: what the daemon handed this session before is gone from browsers.
  state.client?.resetSession()
}

/**
 * hotUpdate: an edited module may import new entries of a unit the page already loaded. Its new
 * imports are resolved before Vite sends its update; if a unit grew, this sends the one full
 * reload and stops Vite's own update (so the edit costs one reload in all, not two).
 * @param {State} state @param {import('vite').DevEnvironment} environment
 * @param {import('vite').EnvironmentModuleNode[]} modules
 */
async function reloadIfUnitsGrew(state, environment, modules) {
  const jsModules = modules.filter((m) => m.type === 'js' && m.url && !m.id?.startsWith(state.cacheDir))
  if (jsModules.length === 0) return
  state.capturedReloads = []
  try {
    // The edited module's cached transform is still in the graph here: drop it, so its new
    // imports are read (and resolved as one batch) before Vite decides on its own update.
    for (const m of jsModules) environment.moduleGraph.invalidateModule(m)
    await Promise.all(jsModules.map((m) => environment.transformRequest(m.url).catch(() => null)))
  } finally {
    var reloads = state.capturedReloads
    state.capturedReloads = null
  }
  if (reloads.length === 0) return
  sendFullReload(state, reloads)
  return []
}

/**
 * Connects to (or starts) the daemon, scans the app and prewarms what it imports, before the
 * first page is served. Never rejects: a failure is logged and shows again on each import.
 * @param {State} state @param {import('vite').ViteDevServer} server
 */
async function prepareDeps(state, server) {
  const t0 = performance.now()
  try {
    await state.client.connect()
    const scan = await state.client.request('scan', scanParams(state))
    const packages = await resolveScannedImports(state, server, scan.imports ?? [])
    if (packages.length === 0) {
      state.log.info(`no package imports found in ${scan.files ?? 0} files`)
      return
    }
    const summary = await state.client.request('prewarm', bundleParams(state, packages))
    const ms = Math.round(performance.now() - t0)
    state.log.info(
      `${summary.units} packages ready (${summary.built} built, ${summary.cached} from cache) in ${ms} ms`,
    )
    for (const failed of summary.failed ?? []) {
      state.log.warn(`${failed.specifier}: ${new DaemonError(failed.error ?? {}).message}`)
    }
  } catch (error) {
    state.log.error(/** @type {Error} */ (error).message.replace(/^\[prebundled\] /, ''))
  }
}

/** @param {State} state */
function scanParams(state) {
  const { config } = state
  const oxcJsx = config.oxc && typeof config.oxc === 'object' ? config.oxc.jsx : undefined
  const esbuild = /** @type {any} */ (config).esbuild
  let jsx = 'automatic'
  let jsxImportSource = 'react'
  if (oxcJsx === 'preserve' || esbuild?.jsx === 'preserve') jsx = 'preserve'
  else if (oxcJsx && typeof oxcJsx === 'object') {
    if (oxcJsx.runtime === 'classic') jsx = 'classic'
    jsxImportSource = oxcJsx.importSource ?? jsxImportSource
  } else if (esbuild && typeof esbuild === 'object') {
    if (esbuild.jsx === 'transform') jsx = 'classic'
    jsxImportSource = esbuild.jsxImportSource ?? jsxImportSource
  }
  return { root: state.root, jsx, jsxImportSource, mode: config.mode }
}

/**
 * Resolves the scan's bare imports with Vite's resolver, from one importer of each.
 * @param {State} state @param {import('vite').ViteDevServer} server
 * @param {{specifier: string, importers: string[]}[]} imports
 * @returns {Promise<PackageImport[]>}
 */
async function resolveScannedImports(state, server, imports) {
  const container = server.environments.client.pluginContainer
  /** @type {import('./src/packages.js').Resolver} */
  const resolve = (id, importer) => container.resolveId(id, importer, { custom: { [VITE_ONLY]: true } })
  const found = await Promise.all(
    imports
      .filter((i) => isBareImport(i.specifier))
      .map((i) => {
        const importer = i.importers?.[0] ?? path.join(state.root, 'index.html')
        return resolvePackageImport(resolve, i.specifier, importer, shortName(state, importer)).catch((error) => {
          state.log.warn(/** @type {Error} */ (error).message)
          return null
        })
      }),
  )
  /** @type {Map<string, PackageImport>} */
  const unique = new Map()
  for (const entry of found) {
    if (entry?.kind !== 'package') continue
    const key = `${entry.packageRoot}\0${entry.entry}`
    if (!unique.has(key)) unique.set(key, /** @type {PackageImport} */ (entry))
  }
  return [...unique.values()]
}

/** @param {State} state @param {string} file */
function shortName(state, file) {
  const relative = path.relative(state.root ?? process.cwd(), file)
  return relative.startsWith('..') ? file : relative
}

/**
 * `/__vite_health` (the daemon's health; 200 healthy, 503 otherwise or unreachable) and
 * `/__vite_metrics` (the daemon's Prometheus text).
 * @param {State} state
 * @returns {import('vite').Connect.NextHandleFunction}
 */
function createEndpointsMiddleware(state) {
  const healthPath = /** @type {string} */ (state.options.knobs['server.healthCheck.path'])
  return (req, res, next) => {
    const url = cleanUrl(req.url ?? '')
    if (url === healthPath) {
      state.client
        .request('health', {}, { autoStart: false, attempts: 2 })
        .then((health) => sendJson(res, health?.status === 'healthy' ? 200 : 503, health))
        .catch((error) =>
          sendJson(res, 503, {
            status: 'unreachable',
            error: /** @type {Error} */ (error).message.split('\n')[0],
            hint: `start the daemon: scripts/prebundled start --cache-dir ${state.cacheDir}`,
            cacheDir: state.cacheDir,
          }),
        )
      return
    }
    if (url === METRICS_PATH) {
      state.client
        .request('metrics', {}, { autoStart: false, attempts: 2 })
        .then((metrics) => {
          res.statusCode = 200
          res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
          res.setHeader('Cache-Control', 'no-store')
          res.end(metrics.text ?? '')
        })
        .catch((error) => {
          res.statusCode = 503
          res.setHeader('Content-Type', 'text/plain; charset=utf-8')
          res.end(`# prebundled daemon unreachable: ${/** @type {Error} */ (error).message.split('\n')[0]}\n`)
        })
      return
    }
    next()
  }
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function sendJson(res, status, body) {
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json')
  res.setHeader('Cache-Control', 'no-store')
  res.end(JSON.stringify(body, null, 2))
}

/**
 * transformIndexHtml: warns about (or removes) import map entries that shadow installed packages.
 * @param {State} state @param {string} html @param {string} page
 */
function checkImportMaps(state, html, page) {
  const mode = state.options.importmap
  if (mode === 'off' || !/importmap/i.test(html)) return html
  const result = processImportMaps(html, state.root, { remove: mode === 'remove' })
  for (const error of result.errors) state.log.warn(`${page}: ${error}`)
  for (const entry of result.conflicts) {
    const key = `${page}\0${entry.scope}\0${entry.specifier}`
    if (state.warnedImportMaps.has(key)) continue
    state.warnedImportMaps.add(key)
    if (mode === 'remove') {
      state.log.info(`${page}: removed import map entry "${entry.specifier}" → ${entry.target} (the installed ${entry.packageName} is used)`)
    } else {
      state.log.warn(describeConflict(entry, page))
    }
  }
  return result.html
}
