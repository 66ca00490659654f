// Runs in the page (copied into the scratch app as /fidelity-runner.js). Imports every probe
// module one by one and describes the module namespace each one got for its bare import.
import { probes, variants, timeoutMs } from '/fidelity-list.js'

const state = { done: false, results: [], current: null }
window.__fidelity = state

const originalError = console.error.bind(console)
console.error = (...args) => {
  record(args.map(show).join(' '))
  originalError(...args)
}
window.addEventListener('error', (e) => record(`uncaught: ${e.message}`))
window.addEventListener('unhandledrejection', (e) => record(`unhandled rejection: ${show(e.reason)}`))

function record(text) {
  if (state.current) state.current.errors.push(text)
  else (state.stray ??= []).push(text)
}

function show(x) {
  if (x instanceof Error) return `${x.name}: ${x.message}`
  if (typeof x === 'string') return x
  try {
    return String(x)
  } catch {
    return Object.prototype.toString.call(x)
  }
}

function typeOf(x) {
  if (x === null) return 'null'
  if (Array.isArray(x)) return 'array'
  return typeof x
}

function describe(ns) {
  const exports = {}
  for (const name of Object.keys(ns).sort()) {
    try {
      exports[name] = typeOf(ns[name])
    } catch (e) {
      exports[name] = 'throws'
    }
  }
  let d
  try {
    d = ns.default
  } catch {
    d = undefined
  }
  const value = { exports, defaultType: typeOf(d) }
  if ((typeof d === 'object' && d !== null) || typeof d === 'function') {
    let keys = []
    try {
      keys = Object.keys(d).sort()
    } catch {
      keys = ['<Object.keys threw>']
    }
    value.defaultKeys = keys.slice(0, 2000)
    value.defaultKeyCount = keys.length
  }
  return value
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function run() {
  for (const probe of probes) {
    const entry = { index: probe.index, specifier: probe.specifier, variants: {} }
    for (const variant of variants) {
      const result = { errors: [], failedRequests: [] }
      state.current = result
      console.debug(`[fidelity] probe ${probe.index} ${variant}`)
      let timer
      try {
        const ns = await Promise.race([
          import(/* @vite-ignore */ `/probe/${probe.file}.${variant}`),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
          }),
        ])
        result.value = describe(ns.default)
      } catch (e) {
        result.error = show(e)
      } finally {
        clearTimeout(timer)
      }
      await sleep(20) // let late errors of this import land on it
      entry.variants[variant] = result
    }
    state.results.push(entry)
  }
  state.current = null
  console.debug('[fidelity] done')
  state.done = true
}

run()
