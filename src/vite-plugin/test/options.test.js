// Option validation, driven by knobs.json itself: a knob added there is covered here without
// touching this file (its type decides which bad values it must reject).
import { test, describe, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  KNOBS,
  OptionsError,
  PLUGIN_OPTIONS,
  SEED_LOCATIONS,
  checkKnobValue,
  didYouMean,
  readKnobsFile,
  resolveOptions,
  seedKnobsFromViteConfig,
  toDaemonSettings,
} from '../src/options.js'
import * as publicApi from '../index.js'

const knobsJson = JSON.parse(fs.readFileSync(fileURLToPath(new URL('../knobs.json', import.meta.url)), 'utf8'))
const KNOB_KEYS = Object.keys(knobsJson.knobs)

/** `{ a: { b: value } }` for `a.b`. @param {string} dotted @param {unknown} value */
function nest(dotted, value) {
  return dotted.split('.').reduceRight((inner, part) => ({ [part]: inner }), /** @type {any} */ (value))
}

/**
 * Values a knob of this spec must reject: wrong types first, then out-of-range/enum values.
 * @param {any} spec
 * @returns {{ label: string, value: unknown }[]}
 */
function badValues(spec) {
  const wrongType = {
    boolean: ['true', 1, null, {}],
    integer: ['5', 1.5, null, true, Number.POSITIVE_INFINITY],
    number: ['0.5', Number.NaN, null, false],
    string: [42, '', null, ['x']],
    enum: [42, null, true],
    'enum[]': ['x', null, {}],
    codes: ['ETIMEDOUT', null, {}],
  }[spec.type]
  assert.ok(wrongType, `no bad values for knob type ${spec.type}: extend badValues() in options.test.js`)
  const out = wrongType.map((value) => ({ label: `wrong type ${show(value)}`, value }))
  if (spec.type === 'integer' || spec.type === 'number') {
    assert.equal(typeof spec.min, 'number', 'a numeric knob must have min in knobs.json')
    assert.equal(typeof spec.max, 'number', 'a numeric knob must have max in knobs.json')
    const step = spec.type === 'integer' ? 1 : 0.01
    out.push({ label: `below min ${spec.min - step}`, value: spec.min - step })
    out.push({ label: `above max ${spec.max + step}`, value: spec.max + step })
  }
  if (spec.type === 'enum') out.push({ label: 'not in the enum', value: 'not-a-value' })
  if (spec.type === 'enum[]') {
    out.push({ label: 'array with a value not in the enum', value: [spec.values[0], 'not-a-value'] })
    out.push({ label: 'array with a non-string', value: [spec.values[0], 7] })
  }
  if (spec.type === 'codes') {
    out.push({ label: 'lower-case code', value: ['ETIMEDOUT', 'etimedout'] })
    out.push({ label: 'code with a dash', value: ['E-BAD'] })
    out.push({ label: 'non-string code', value: [42] })
  }
  return out
}

/** Valid values of a spec other than its default (bounds included). @param {any} spec */
function goodValues(spec) {
  switch (spec.type) {
    case 'boolean': return [true, false]
    case 'integer': return [spec.min, spec.max, Math.floor((spec.min + spec.max) / 2)]
    case 'number': return [spec.min, spec.max, (spec.min + spec.max) / 2]
    case 'string': return ['/some/custom-value']
    case 'enum': return [...spec.values]
    case 'enum[]': return [[], [spec.values[spec.values.length - 1]], [...spec.values]]
    case 'codes': return [[], ['EXAMPLE_CODE', 'E2BIG']]
    default: throw new Error(`no good values for knob type ${spec.type}`)
  }
}

/**
 * Other knobs a valid value needs because of the cross-knob rules (options.js checkCrossKnobs).
 * @param {string} key @param {unknown} value
 */
function companions(key, value) {
  if (key === 'server.resourceManagement.maxSemiSpaceSize') {
    return { server: { resourceManagement: { maxOldSpaceSize: 65536 } } }
  }
  if (key === 'server.resourceManagement.maxOldSpaceSize' && typeof value === 'number') {
    return { server: { resourceManagement: { maxSemiSpaceSize: 1 } } }
  }
  return {}
}

/** Deep merge of plain objects. @param {any} a @param {any} b */
function merge(a, b) {
  const out = { ...a }
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? merge(out[k], v) : v
  }
  return out
}

/** @param {unknown} value */
function show(value) {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  return JSON.stringify(value) ?? String(value)
}

/** Where a knob can be written in the Vite config, per SEED_LOCATIONS: [location, nested config]. */
function viteLocationsOf(key, value) {
  const out = []
  for (const [location, prefix, only] of SEED_LOCATIONS) {
    if (!key.startsWith(prefix + '.')) continue
    const rest = key.slice(prefix.length + 1)
    if (only && !only.includes(rest)) continue
    out.push({ location, config: nest(location, nest(rest, value)) })
  }
  return out
}

/**
 * Asserts fn throws an OptionsError whose message contains every text of `texts`.
 * @param {() => unknown} fn @param {string[]} texts
 */
function assertOptionsError(fn, texts) {
  let thrown
  try {
    fn()
  } catch (e) {
    thrown = e
  }
  assert.ok(thrown, `expected an OptionsError naming ${texts.join(', ')}, nothing was thrown`)
  assert.ok(thrown instanceof OptionsError, `expected an OptionsError, got ${thrown}`)
  assert.equal(thrown.name, 'OptionsError')
  assert.match(thrown.message, /^prebundled: /)
  for (const text of texts) assert.ok(thrown.message.includes(text), `"${thrown.message}" does not name ${text}`)
  return thrown
}

describe('knobs.json', () => {
  test('is the table the code validates against, with sane specs', () => {
    assert.deepEqual(Object.keys(KNOBS), KNOB_KEYS)
    assert.ok(KNOB_KEYS.length >= 36, `knobs.json has only ${KNOB_KEYS.length} knobs`)
    for (const [key, spec] of Object.entries(KNOBS)) {
      assert.ok(/^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)+$/.test(key), `${key} is not a dotted camelCase key`)
      assert.equal(checkKnobValue(key, spec.default, spec), null, `the default of ${key} fails its own spec`)
      if (spec.type === 'integer' || spec.type === 'number') assert.ok(spec.min <= spec.max, `${key}: min > max`)
      if (spec.type === 'enum' || spec.type === 'enum[]') assert.ok(Array.isArray(spec.values) && spec.values.length > 0, key)
    }
  })

  test('the seed knobs of DESIGN section 7 are all there', () => {
    for (const key of [
      'optimizeDeps.sequential', 'optimizeDeps.maxConcurrent', 'optimizeDeps.memoryLimit', 'optimizeDeps.cpuLimit',
      'optimizeDeps.cacheDir', 'cacheStrategy.persistent', 'cacheStrategy.maxAge', 'cacheStrategy.staleWhileRevalidate',
      'cacheStrategy.cacheKey', 'cacheInvalidation.checkInterval', 'cacheInvalidation.maxRetries',
      'cacheInvalidation.retryDelay', 'retryStrategy.maxAttempts', 'retryStrategy.baseDelay', 'retryStrategy.maxDelay',
      'retryStrategy.jitter', 'retryStrategy.jitterFactor', 'errorHandling.transientErrors',
      'errorHandling.permanentErrors', 'server.resourceManagement.maxOldSpaceSize',
      'server.resourceManagement.maxSemiSpaceSize', 'server.resourceManagement.maxFiles',
      'server.resourceManagement.maxWatches', 'server.processLimits.maxConcurrent', 'server.processLimits.queueSize',
      'server.processLimits.timeout', 'logger.level', 'logger.format', 'logger.file.path', 'logger.file.maxSize',
      'logger.file.maxFiles', 'logger.metrics.enabled', 'logger.metrics.interval', 'server.healthCheck.path',
      'server.healthCheck.interval', 'server.healthCheck.checks',
    ]) {
      assert.ok(key in KNOBS, `${key} is missing from knobs.json`)
    }
  })
})

describe('every knob rejects bad values with an error naming the key', () => {
  for (const key of KNOB_KEYS) {
    const spec = KNOBS[key]
    test(`${key} (${spec.type})`, () => {
      const cases = badValues(spec)
      for (const { label, value } of cases) {
        // plugin options (nested as index.d.ts types them)
        const e = assertOptionsError(() => resolveOptions(nest(key, value)), [key])
        assert.match(e.message, /must be/, `${key} ${label}: ${e.message}`)
        // the spec check alone
        const problem = checkKnobValue(key, value, spec)
        assert.ok(problem && problem.startsWith(key + ' '), `${key} ${label}: checkKnobValue gave ${problem}`)
        // the same knob where the seed wrote it in the Vite config
        for (const { location, config } of viteLocationsOf(key, value)) {
          const ve = assertOptionsError(() => resolveOptions({}, config), [key])
          assert.match(ve.message, /must be/, `${key} at ${location} ${label}: ${ve.message}`)
        }
      }
    })
  }
})

describe('every knob accepts valid values and applies its default', () => {
  test('no options: every knob has its default, nothing explicit', () => {
    const resolved = resolveOptions()
    assert.deepEqual(Object.keys(resolved.knobs), KNOB_KEYS)
    for (const key of KNOB_KEYS) assert.deepEqual(resolved.knobs[key], KNOBS[key].default, key)
    assert.equal(resolved.explicit.size, 0)
    assert.equal(resolved.importmap, 'warn')
    assert.equal(resolved.startTimeout, 30000)
    assert.equal(resolved.jar, undefined)
    assert.equal(resolved.java, undefined)
  })

  test('defaults are copies: mutating a resolved array does not change the next resolution', () => {
    const first = resolveOptions()
    const codes = /** @type {string[]} */ (first.knobs['errorHandling.transientErrors'])
    codes.push('MUTATED')
    const second = resolveOptions()
    assert.deepEqual(second.knobs['errorHandling.transientErrors'], KNOBS['errorHandling.transientErrors'].default)
    assert.ok(!(/** @type {string[]} */ (KNOBS['errorHandling.transientErrors'].default)).includes('MUTATED'))
  })

  for (const key of KNOB_KEYS) {
    const spec = KNOBS[key]
    test(`${key}: ${goodValues(spec).map(show).join(', ')}`, () => {
      for (const value of goodValues(spec)) {
        const options = merge(nest(key, value), companions(key, value))
        const resolved = resolveOptions(options)
        assert.deepEqual(resolved.knobs[key], value, `${key} = ${show(value)}`)
        assert.ok(resolved.explicit.has(key), `${key} is not marked explicit`)
        // every other knob keeps its default
        for (const other of KNOB_KEYS) {
          if (other === key || getNested(options, other) !== undefined) continue
          assert.deepEqual(resolved.knobs[other], KNOBS[other].default, `${other} changed when ${key} was set`)
        }
      }
    })
  }

  test('undefined values are ignored (as if not given)', () => {
    const resolved = resolveOptions({ optimizeDeps: { maxConcurrent: undefined }, jar: undefined })
    assert.equal(resolved.knobs['optimizeDeps.maxConcurrent'], KNOBS['optimizeDeps.maxConcurrent'].default)
    assert.equal(resolved.explicit.size, 0)
  })
})

/** @param {any} object @param {string} dotted */
function getNested(object, dotted) {
  return dotted.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), object)
}

describe('cross-knob rules', () => {
  test('maxSemiSpaceSize must be below maxOldSpaceSize (-Xmn < -Xmx), naming both keys', () => {
    assertOptionsError(
      () => resolveOptions({ server: { resourceManagement: { maxOldSpaceSize: 256, maxSemiSpaceSize: 256 } } }),
      ['server.resourceManagement.maxSemiSpaceSize', 'server.resourceManagement.maxOldSpaceSize', '256'],
    )
    // with the default heap (1024)
    assertOptionsError(() => resolveOptions({ server: { resourceManagement: { maxSemiSpaceSize: 2048 } } }), [
      'server.resourceManagement.maxSemiSpaceSize',
    ])
    const ok = resolveOptions({ server: { resourceManagement: { maxOldSpaceSize: 256, maxSemiSpaceSize: 255 } } })
    assert.equal(ok.knobs['server.resourceManagement.maxSemiSpaceSize'], 255)
  })

  test('server.healthCheck.path must start with "/"', () => {
    assertOptionsError(() => resolveOptions({ server: { healthCheck: { path: 'health' } } }), [
      'server.healthCheck.path',
      '"health"',
    ])
    assertOptionsError(() => resolveOptions({}, { server: { healthCheck: { path: 'health' } } }), ['server.healthCheck.path'])
    assert.equal(resolveOptions({ server: { healthCheck: { path: '/h' } } }).knobs['server.healthCheck.path'], '/h')
  })
})

describe('the plugin\'s own options', () => {
  for (const [name, spec] of Object.entries(PLUGIN_OPTIONS)) {
    test(`${name} rejects bad values naming it and accepts good ones`, () => {
      for (const { value } of badValues(spec)) assertOptionsError(() => resolveOptions({ [name]: value }), [name])
      for (const value of goodValues(spec)) {
        const resolved = /** @type {any} */ (resolveOptions({ [name]: value }))
        assert.deepEqual(resolved[name], value)
        assert.equal(resolved.explicit.size, 0, 'plugin options are not knobs')
      }
    })
  }

  test('jar, java, importmap and startTimeout come through', () => {
    const resolved = resolveOptions({ jar: '/opt/prebundled.jar', java: '/usr/bin/java', importmap: 'remove', startTimeout: 5000 })
    assert.equal(resolved.jar, '/opt/prebundled.jar')
    assert.equal(resolved.java, '/usr/bin/java')
    assert.equal(resolved.importmap, 'remove')
    assert.equal(resolved.startTimeout, 5000)
  })

  test('plugin options are not read from the Vite config', () => {
    const resolved = resolveOptions({}, { jar: '/x.jar', importmap: 'off', startTimeout: 1 })
    assert.equal(resolved.jar, undefined)
    assert.equal(resolved.importmap, 'warn')
    assert.equal(resolved.startTimeout, 30000)
  })
})

describe('unknown keys', () => {
  test('a misspelt top-level option is named, with a suggestion', () => {
    assertOptionsError(() => resolveOptions({ optimizeDep: { sequential: true } }), [
      'unknown option optimizeDep in the plugin options',
      '(did you mean optimizeDeps?)',
    ])
    assertOptionsError(() => resolveOptions({ importmaps: 'off' }), ['unknown option importmaps', '(did you mean importmap?)'])
    assertOptionsError(() => resolveOptions({ startTimout: 1000 }), ['startTimout', '(did you mean startTimeout?)'])
    assertOptionsError(() => resolveOptions({ retryStrategi: {} }), ['retryStrategi', '(did you mean retryStrategy?)'])
  })

  test('a misspelt nested knob is named by its full key, with the right suggestion', () => {
    assertOptionsError(() => resolveOptions({ optimizeDeps: { maxConcurent: 2 } }), [
      'unknown option optimizeDeps.maxConcurent in the plugin options',
      '(did you mean optimizeDeps.maxConcurrent?)',
    ])
    assertOptionsError(() => resolveOptions({ server: { processLimits: { maxConcurent: 2 } } }), [
      'server.processLimits.maxConcurent',
      '(did you mean server.processLimits.maxConcurrent?)',
    ])
    assertOptionsError(() => resolveOptions({ logger: { file: { maxsize: 2 } } }), [
      'logger.file.maxsize',
      '(did you mean logger.file.maxSize?)',
    ])
  })

  test('every knob, misspelt by one letter, is suggested back', () => {
    for (const key of KNOB_KEYS) {
      const parts = key.split('.')
      const leaf = parts.pop()
      const typo = leaf.slice(0, -1) // drop the last letter
      const e = assertOptionsError(() => resolveOptions(nest([...parts, typo].join('.'), 1)), [
        `unknown option ${[...parts, typo].join('.')}`,
      ])
      assert.ok(e.message.includes(`(did you mean ${key}?)`), e.message)
    }
  })

  test('an unrelated key gets no suggestion', () => {
    const e = assertOptionsError(() => resolveOptions({ zzzzzzzz: 1 }), ['unknown option zzzzzzzz in the plugin options'])
    assert.ok(!e.message.includes('did you mean'), e.message)
    assert.equal(didYouMean('zzzzzzzz', KNOB_KEYS), '')
  })

  test("Vite's own options are not plugin options", () => {
    assertOptionsError(() => resolveOptions({ server: { port: 3000 } }), ['unknown option server.port'])
    assertOptionsError(() => resolveOptions({ optimizeDeps: { include: ['react'] } }), ['unknown option optimizeDeps.include'])
  })

  test('a flat dotted knob key tells to nest it (not "did you mean" the same key)', () => {
    const e = assertOptionsError(() => resolveOptions({ 'optimizeDeps.maxConcurrent': 2 }), [
      'optimizeDeps.maxConcurrent',
      '{ optimizeDeps: { maxConcurrent: ... } }',
    ])
    assert.ok(!e.message.includes('did you mean optimizeDeps.maxConcurrent'), e.message)
  })

  test('a group given as a non-object is named', () => {
    assertOptionsError(() => resolveOptions({ optimizeDeps: true }), ['optimizeDeps must be an object', 'true'])
    assertOptionsError(() => resolveOptions({ logger: { file: 'x.log' } }), ['logger.file must be an object', '"x.log"'])
    assertOptionsError(() => resolveOptions({ server: [] }), ['server must be an object'])
  })

  test('the options themselves must be an object', () => {
    assertOptionsError(() => resolveOptions(/** @type {any} */ ('x')), ['the plugin options must be an object'])
    assertOptionsError(() => resolveOptions(/** @type {any} */ (null)), ['the plugin options must be an object'])
    assertOptionsError(() => resolveOptions(/** @type {any} */ ([])), ['the plugin options must be an object'])
  })

  test('unknown keys under a knob location of the Vite config are named as written there', () => {
    assertOptionsError(() => resolveOptions({}, { optimizeDeps: { cacheStrategy: { maxAg: 1 } } }), [
      'unknown option optimizeDeps.cacheStrategy.maxAg in the Vite config (optimizeDeps.cacheStrategy)',
      '(did you mean cacheStrategy.maxAge?)',
    ])
    assertOptionsError(() => resolveOptions({}, { server: { processLimits: { timeot: 100 } } }), [
      'unknown option server.processLimits.timeot in the Vite config',
      '(did you mean server.processLimits.timeout?)',
    ])
    assertOptionsError(() => resolveOptions({}, { logger: { file: { pth: 'x' } } }), ['logger.file.pth'])
    assertOptionsError(() => resolveOptions({}, { server: { healthCheck: 'yes' } }), ['server.healthCheck must be an object'])
  })
})

describe('knobs where the seed wrote them in the Vite config', () => {
  test('every knob can be given in the Vite config (SEED_LOCATIONS reaches all of knobs.json)', () => {
    for (const key of KNOB_KEYS) {
      const spec = KNOBS[key]
      const value = goodValues(spec).find((v) => JSON.stringify(v) !== JSON.stringify(spec.default))
      const locations = viteLocationsOf(key, value)
      assert.ok(locations.length > 0, `${key} cannot be written anywhere in the Vite config: add it to SEED_LOCATIONS`)
      for (const { location, config } of locations) {
        const resolved = resolveOptions({}, merge(config, companions(key, value)))
        assert.deepEqual(resolved.knobs[key], value, `${key} at ${location}`)
        assert.ok(resolved.explicit.has(key), `${key} at ${location} is not explicit`)
      }
    }
  })

  test('a seed-style Vite config is picked up, next to Vite\'s own keys', () => {
    const viteConfig = {
      root: '/app',
      plugins: [],
      optimizeDeps: {
        include: ['react'], // Vite's own: left alone, not an error
        exclude: [],
        sequential: true,
        maxConcurrent: 3,
        memoryLimit: 512,
        cpuLimit: 0.5,
        cacheDir: '.cache/deps',
        cacheStrategy: { persistent: false, maxAge: 60000, staleWhileRevalidate: 0, cacheKey: '{name}-{version}' },
      },
      server: {
        port: 5173, // Vite's own
        host: '127.0.0.1',
        processLimits: { maxConcurrent: 8, queueSize: 50, timeout: 10000 },
        healthCheck: { path: '/health', interval: 5000, checks: ['cache_status'] },
        resourceManagement: { maxOldSpaceSize: 2048, maxSemiSpaceSize: 128, maxFiles: 64, maxWatches: 10 },
      },
      logger: {
        level: 'debug',
        format: 'json',
        file: { path: 'logs/deps.log', maxSize: 5, maxFiles: 2 },
        metrics: { enabled: false, interval: 2000 },
      },
      cacheInvalidation: { checkInterval: 2000, maxRetries: 1, retryDelay: 50 },
      retryStrategy: { maxAttempts: 5, baseDelay: 10, maxDelay: 100, jitter: false, jitterFactor: 0 },
      errorHandling: { transientErrors: ['EBUSY'], permanentErrors: ['BUILD_FAILED'] },
    }
    const { knobs, explicit } = resolveOptions({}, viteConfig)
    const expected = {
      'optimizeDeps.sequential': true,
      'optimizeDeps.maxConcurrent': 3,
      'optimizeDeps.memoryLimit': 512,
      'optimizeDeps.cpuLimit': 0.5,
      'optimizeDeps.cacheDir': '.cache/deps',
      'cacheStrategy.persistent': false,
      'cacheStrategy.maxAge': 60000,
      'cacheStrategy.staleWhileRevalidate': 0,
      'cacheStrategy.cacheKey': '{name}-{version}',
      'server.processLimits.maxConcurrent': 8,
      'server.processLimits.queueSize': 50,
      'server.processLimits.timeout': 10000,
      'server.healthCheck.path': '/health',
      'server.healthCheck.interval': 5000,
      'server.healthCheck.checks': ['cache_status'],
      'server.resourceManagement.maxOldSpaceSize': 2048,
      'server.resourceManagement.maxSemiSpaceSize': 128,
      'server.resourceManagement.maxFiles': 64,
      'server.resourceManagement.maxWatches': 10,
      'logger.level': 'debug',
      'logger.format': 'json',
      'logger.file.path': 'logs/deps.log',
      'logger.file.maxSize': 5,
      'logger.file.maxFiles': 2,
      'logger.metrics.enabled': false,
      'logger.metrics.interval': 2000,
      'cacheInvalidation.checkInterval': 2000,
      'cacheInvalidation.maxRetries': 1,
      'cacheInvalidation.retryDelay': 50,
      'retryStrategy.maxAttempts': 5,
      'retryStrategy.baseDelay': 10,
      'retryStrategy.maxDelay': 100,
      'retryStrategy.jitter': false,
      'retryStrategy.jitterFactor': 0,
      'errorHandling.transientErrors': ['EBUSY'],
      'errorHandling.permanentErrors': ['BUILD_FAILED'],
    }
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(knobs[key], value, key)
    assert.deepEqual([...explicit].sort(), Object.keys(expected).sort())
    // the Vite config object itself is not modified
    assert.deepEqual(viteConfig.optimizeDeps.include, ['react'])
    assert.equal(viteConfig.server.port, 5173)
  })

  test('typos among Vite\'s own optimizeDeps keys are Vite\'s business, not errors', () => {
    const resolved = resolveOptions({}, { optimizeDeps: { maxConcurent: 3, force: true, noDiscovery: false } })
    assert.equal(resolved.knobs['optimizeDeps.maxConcurrent'], KNOBS['optimizeDeps.maxConcurrent'].default)
    assert.equal(resolved.explicit.size, 0)
  })

  test('top-level cacheStrategy and optimizeDeps.cacheStrategy are both read', () => {
    assert.equal(resolveOptions({}, { cacheStrategy: { maxAge: 7 } }).knobs['cacheStrategy.maxAge'], 7)
    assert.equal(resolveOptions({}, { optimizeDeps: { cacheStrategy: { maxAge: 8 } } }).knobs['cacheStrategy.maxAge'], 8)
  })

  test('seedKnobsFromViteConfig returns only what was given, flat', () => {
    assert.deepEqual(seedKnobsFromViteConfig({}), {})
    assert.deepEqual(seedKnobsFromViteConfig(/** @type {any} */ (null)), {})
    assert.deepEqual(seedKnobsFromViteConfig({ optimizeDeps: 'not an object' }), {})
    assert.deepEqual(
      seedKnobsFromViteConfig({ optimizeDeps: { sequential: true, include: ['x'] }, server: { healthCheck: { interval: 1000 } } }),
      { 'optimizeDeps.sequential': true, 'server.healthCheck.interval': 1000 },
    )
  })

  test('plugin options win over the Vite config; the rest of the Vite config still counts', () => {
    const resolved = resolveOptions(
      { optimizeDeps: { maxConcurrent: 7 }, server: { processLimits: { timeout: 1234 } } },
      { optimizeDeps: { maxConcurrent: 3, sequential: true }, server: { processLimits: { timeout: 9999, queueSize: 10 } } },
    )
    assert.equal(resolved.knobs['optimizeDeps.maxConcurrent'], 7)
    assert.equal(resolved.knobs['server.processLimits.timeout'], 1234)
    assert.equal(resolved.knobs['optimizeDeps.sequential'], true)
    assert.equal(resolved.knobs['server.processLimits.queueSize'], 10)
    assert.deepEqual(
      [...resolved.explicit].sort(),
      ['optimizeDeps.maxConcurrent', 'optimizeDeps.sequential', 'server.processLimits.queueSize', 'server.processLimits.timeout'],
    )
  })

  test('a bad value in the Vite config is an error even when the plugin options set the same knob', () => {
    // both sources are validated: the Vite config is the user's too
    assertOptionsError(
      () => resolveOptions({ optimizeDeps: { maxConcurrent: 2 } }, { server: { processLimits: { timeout: -1 } } }),
      ['server.processLimits.timeout'],
    )
  })

  test('cross-knob rules apply to the merged result of both sources', () => {
    assertOptionsError(
      () => resolveOptions(
        { server: { resourceManagement: { maxSemiSpaceSize: 512 } } },
        { server: { resourceManagement: { maxOldSpaceSize: 256 } } },
      ),
      ['server.resourceManagement.maxSemiSpaceSize (512)', 'server.resourceManagement.maxOldSpaceSize (256)'],
    )
  })
})

describe('toDaemonSettings', () => {
  test('nests every knob and makes the path knobs absolute against the root', () => {
    const root = '/projects/app'
    const { knobs } = resolveOptions({ optimizeDeps: { maxConcurrent: 5 }, logger: { level: 'warn' } })
    const settings = toDaemonSettings(knobs, root)
    assert.deepEqual(Object.keys(settings).sort(), [...new Set(KNOB_KEYS.map((k) => k.split('.')[0]))].sort())
    assert.equal(settings.optimizeDeps.maxConcurrent, 5)
    assert.equal(settings.optimizeDeps.cacheDir, '/projects/app/.vite/optimize-cache')
    assert.equal(settings.logger.file.path, '/projects/app/.vite/optimize-deps.log')
    assert.equal(settings.logger.level, 'warn')
    assert.equal(settings.server.resourceManagement.maxOldSpaceSize, 1024)
    assert.equal(settings.server.healthCheck.path, '/__vite_health', 'healthCheck.path is a URL path, not made absolute')
    assert.deepEqual(settings.server.healthCheck.checks, ['cache_status', 'resource_usage', 'pending_operations'])
    for (const key of KNOB_KEYS) {
      if (key === 'optimizeDeps.cacheDir' || key === 'logger.file.path') continue
      assert.deepEqual(getNested(settings, key), knobs[key], key)
    }
  })

  test('absolute paths are kept; relative ones resolve against the given root', () => {
    const { knobs } = resolveOptions({ optimizeDeps: { cacheDir: '/var/cache/deps' }, logger: { file: { path: '../logs/x.log' } } })
    const settings = toDaemonSettings(knobs, '/projects/app')
    assert.equal(settings.optimizeDeps.cacheDir, '/var/cache/deps')
    assert.equal(settings.logger.file.path, '/projects/logs/x.log')
  })

  test('its output is valid plugin options that resolve to the same knobs (round trip)', () => {
    const { knobs } = resolveOptions({}, { optimizeDeps: { sequential: true, cacheDir: '/abs/cache' }, logger: { file: { path: '/abs/log' } } })
    const again = resolveOptions(toDaemonSettings(knobs, '/root'))
    assert.deepEqual(again.knobs, knobs)
  })
})

describe('readKnobsFile', () => {
  /** @type {string[]} */
  const dirs = []
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })))
  /** @param {string} text */
  function file(text) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prebundled-knobs-'))
    dirs.push(dir)
    const f = path.join(dir, 'config.json')
    fs.writeFileSync(f, text)
    return f
  }

  test('reads nested knobs', () => {
    const resolved = readKnobsFile(file(JSON.stringify({ optimizeDeps: { sequential: true }, logger: { format: 'json' } })))
    assert.equal(resolved.knobs['optimizeDeps.sequential'], true)
    assert.equal(resolved.knobs['logger.format'], 'json')
  })

  test('names the file for bad JSON, a non-object and unknown groups; validates values', () => {
    const bad = file('{ nope')
    assertOptionsError(() => readKnobsFile(bad), ['cannot read the config file', bad])
    const arr = file('[]')
    assertOptionsError(() => readKnobsFile(arr), [arr, 'must hold a JSON object'])
    const plugin = file('{"jar": "/x.jar"}')
    assertOptionsError(() => readKnobsFile(plugin), ['unknown option jar', plugin])
    assertOptionsError(() => readKnobsFile(file('{"retryStrategy": {"maxAttempts": 0}}')), ['retryStrategy.maxAttempts'])
    assertOptionsError(() => readKnobsFile(path.join(os.tmpdir(), 'does-not-exist-prebundled.json')), ['cannot read the config file'])
  })
})

test('the package entry exports the same validation', () => {
  assert.equal(publicApi.resolveOptions, resolveOptions)
  assert.equal(publicApi.OptionsError, OptionsError)
  assert.equal(publicApi.KNOBS, KNOBS)
  // the plugin factory validates at once, before Vite calls any hook
  assertOptionsError(() => publicApi.default({ optimizeDeps: { maxConcurrent: 0 } }), ['optimizeDeps.maxConcurrent'])
  assertOptionsError(() => publicApi.default(/** @type {any} */ ({ bogus: 1 })), ['unknown option bogus'])
  const plugins = publicApi.default({ optimizeDeps: { sequential: true } })
  assert.deepEqual(plugins.map((p) => p.name), ['vite-plugin-prebundled', 'vite-plugin-prebundled:batch-imports'])
})
