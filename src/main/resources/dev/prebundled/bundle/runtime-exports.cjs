// Evaluates CommonJS bundles (esbuild, format cjs, other packages external) in a sandbox with
// browser-like globals and prints the own enumerable keys of each module.exports: the names
// Vite's interop exposes at run time, which no lexer can see (module.exports = factory(), UMD).
// stdin: {"entries": [{"key": "...", "code": "..."}]}; stdout: {"results": {key: {keys} | {error}}}.
'use strict'
const vm = require('node:vm')

function permissive() {
  const target = function () {}
  return new Proxy(target, {
    get: (t, p) => (p === Symbol.toPrimitive ? () => '' : p === 'prototype' ? {} : permissive()),
    apply: () => permissive(),
    construct: () => permissive(),
  })
}

function sandbox() {
  const noop = () => {}
  const context = {
    console: { log: noop, info: noop, warn: noop, error: noop, debug: noop, trace: noop },
    setTimeout: () => 0, clearTimeout: noop, setInterval: () => 0, clearInterval: noop,
    queueMicrotask: noop,
    navigator: { userAgent: '', language: 'en' },
    location: { href: 'http://localhost/', protocol: 'http:', host: 'localhost', hostname: 'localhost', search: '', hash: '' },
  }
  context.window = context
  context.self = context
  context.global = context
  return vm.createContext(context)
}

function keysOf(entry) {
  const module = { exports: {} }
  const required = () => permissive()
  const context = sandbox()
  const wrapped = vm.runInContext(`(function (module, exports, require) {\n${entry.code}\n})`, context, { timeout: 5000 })
  wrapped.call(module.exports, module, module.exports, required)
  const value = module.exports
  const keys = (typeof value === 'object' && value !== null && !Array.isArray(value)) || typeof value === 'function' ? Object.keys(value) : []
  return { keys, esModule: Boolean(value && value.__esModule) }
}

let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => (input += chunk))
process.stdin.on('end', () => {
  const results = {}
  for (const entry of JSON.parse(input).entries) {
    try {
      results[entry.key] = keysOf(entry)
    } catch (error) {
      results[entry.key] = { error: String((error && error.message) || error).slice(0, 500) }
    }
  }
  process.stdout.write(JSON.stringify({ results }))
})
