// Finding, starting and talking to the prebundled daemon (docs/protocol.md): newline-delimited
// JSON-RPC 2.0 over the Unix socket named in <cacheDir>/daemon.json.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { spawn } from 'node:child_process'

/** Must match `Protocol version` in docs/protocol.md and ProtocolVersion in the daemon. */
export const PROTOCOL_VERSION = 1
export const CLIENT_NAME = 'vite-plugin-prebundled/0.1.0'

const MAX_FRAME = 1024 * 1024
const CONNECT_TIMEOUT_MS = 2000
const RETRY_ATTEMPTS = 6
const RETRY_BASE_MS = 100
const RETRY_MAX_MS = 2000

/** An error answered by the daemon: `code`, `class` and the rest of the protocol's error object. */
export class DaemonError extends Error {
  /**
   * @param {{code?: string, class?: string, message?: string, package?: string, file?: string,
   *   line?: number, column?: number}} data the protocol's error object
   * @param {number} [rpcCode] JSON-RPC code
   */
  constructor(data, rpcCode) {
    super(formatDaemonError(data))
    this.name = 'DaemonError'
    this.code = data.code
    this.errorClass = data.class
    this.data = data
    this.rpcCode = rpcCode
  }

  get transient() {
    return this.errorClass === 'transient'
  }
}

/** @param {{code?: string, message?: string, package?: string, file?: string, line?: number, column?: number}} data */
function formatDaemonError(data) {
  const where = data.file ? ` (${data.file}${data.line ? `:${data.line}${data.column ? `:${data.column}` : ''}` : ''})` : ''
  const pkg = data.package && !String(data.message ?? '').includes(data.package) ? `${data.package}: ` : ''
  return `${pkg}${data.message ?? 'daemon error'}${data.code ? ` [${data.code}]` : ''}${where}`
}

/** The connection to the daemon closed before it answered; the request may be retried. */
export class ConnectionLostError extends Error {
  constructor(message = 'the connection to the daemon closed') {
    super(message)
    this.name = 'ConnectionLostError'
  }
}

/** No daemon answers and none could be started: the message says what to run. */
export class DaemonUnreachableError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message)
    this.name = 'DaemonUnreachableError'
  }
}

/**
 * `<cacheDir>/daemon.json` when it exists and names a live process, else null.
 * @param {string} cacheDir
 * @returns {{pid: number, socket: string, protocol: number, version: string, startedAt?: string} | null}
 */
export function readDaemonInfo(cacheDir) {
  let info
  try {
    info = JSON.parse(fs.readFileSync(path.join(cacheDir, 'daemon.json'), 'utf8'))
  } catch {
    return null
  }
  if (!info || typeof info.socket !== 'string' || !isAlive(info.pid)) return null
  return info
}

/** @param {unknown} pid */
function isAlive(pid) {
  if (!Number.isInteger(pid)) return true
  try {
    process.kill(/** @type {number} */ (pid), 0)
    return true
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM'
  }
}

/** One socket connection with pipelined JSON-RPC requests. */
export class Connection {
  /** @param {net.Socket} socket */
  constructor(socket) {
    this.socket = socket
    this.nextId = 1
    /** @type {Map<number, {resolve: (v: any) => void, reject: (e: Error) => void}>} */
    this.pending = new Map()
    this.buffer = ''
    this.closed = false
    /** @type {Array<() => void>} */
    this.closeListeners = []
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => this.onData(/** @type {string} */ (chunk)))
    socket.on('error', () => {})
    socket.on('close', () => this.onClose())
  }

  /**
   * Opens a connection to a Unix socket.
   * @param {string} socketPath
   * @returns {Promise<Connection>}
   */
  static open(socketPath) {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(socketPath)
      const timer = setTimeout(() => {
        socket.destroy()
        reject(Object.assign(new Error(`timed out connecting to ${socketPath}`), { code: 'ETIMEDOUT' }))
      }, CONNECT_TIMEOUT_MS)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.removeAllListeners('error')
        resolve(new Connection(socket))
      })
      socket.once('error', (e) => {
        clearTimeout(timer)
        reject(e)
      })
    })
  }

  /**
   * Sends one request and waits for its answer.
   * @param {string} method
   * @param {object} params
   * @returns {Promise<any>}
   */
  call(method, params) {
    if (this.closed) return Promise.reject(new ConnectionLostError())
    const id = this.nextId++
    const line = JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n'
    if (Buffer.byteLength(line) > MAX_FRAME) {
      return Promise.reject(new DaemonError({ code: 'BAD_REQUEST', class: 'permanent', message: `${method} request over 1 MiB` }))
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.socket.write(line)
    })
  }

  /** @param {string} chunk */
  onData(chunk) {
    this.buffer += chunk
    let newline
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, newline)
      this.buffer = this.buffer.slice(newline + 1)
      if (line.trim()) this.onMessage(line)
    }
  }

  /** @param {string} line */
  onMessage(line) {
    let message
    try {
      message = JSON.parse(line)
    } catch {
      return
    }
    const waiter = this.pending.get(message.id)
    if (!waiter) return
    this.pending.delete(message.id)
    if (message.error) {
      const data = typeof message.error.data === 'object' && message.error.data
        ? message.error.data
        : { code: rpcCodeName(message.error.code), class: 'permanent', message: message.error.message }
      waiter.reject(new DaemonError({ message: message.error.message, ...data }, message.error.code))
    } else {
      waiter.resolve(message.result)
    }
  }

  onClose() {
    if (this.closed) return
    this.closed = true
    for (const waiter of this.pending.values()) waiter.reject(new ConnectionLostError())
    this.pending.clear()
    for (const listener of this.closeListeners) listener()
  }

  close() {
    this.socket.end()
    this.socket.destroy()
    this.onClose()
  }
}

/** @param {number} code */
function rpcCodeName(code) {
  return { [-32700]: 'PARSE_ERROR', [-32600]: 'BAD_REQUEST', [-32601]: 'UNKNOWN_METHOD', [-32602]: 'BAD_REQUEST' }[code] ?? 'DAEMON_ERROR'
}

/**
 * @typedef {object} DaemonOptions
 * @property {string} cacheDir absolute
 * @property {string[]} projectRoots absolute; the first is the project
 * @property {Record<string, any>} settings nested knobs for `--config` and hello
 * @property {string} [jar] option `jar`
 * @property {string} [java] option `java`
 * @property {number} startTimeout ms
 * @property {boolean} [autoStart] start a daemon when none answers (default true)
 * @property {(hello: any) => void} [onHello] called after each successful hello
 * @property {(message: string) => void} [onStart] called when a daemon is being started
 */

/**
 * The plugin's client of one daemon: connects on first use, starts the daemon when none
 * answers, says hello, reconnects after a restart and retries what may succeed on a retry.
 */
export class DaemonClient {
  /** @param {DaemonOptions} options */
  constructor(options) {
    this.options = { autoStart: true, ...options }
    /** @type {Connection | null} */
    this.connection = null
    /** @type {Promise<Connection> | null} */
    this.connecting = null
    this.hello = null
    this.closed = false
  }

  /**
   * Sends a request, connecting (and starting the daemon) as needed. Retries with backoff when
   * the connection is lost mid-request or the daemon answers a transient error.
   * @param {string} method
   * @param {object} [params]
   * @param {{autoStart?: boolean, attempts?: number}} [opts]
   */
  async request(method, params = {}, opts = {}) {
    const attempts = opts.attempts ?? RETRY_ATTEMPTS
    for (let attempt = 1; ; attempt++) {
      try {
        const connection = await this.connect(opts)
        return await connection.call(method, params)
      } catch (e) {
        const retriable = e instanceof ConnectionLostError || (e instanceof DaemonError && e.transient)
        if (!retriable || attempt >= attempts || this.closed) throw e
        await sleep(backoffDelay(attempt))
      }
    }
  }

  /**
   * The open connection, or a new one (after `hello`).
   * @param {{autoStart?: boolean}} [opts]
   * @returns {Promise<Connection>}
   */
  connect(opts = {}) {
    if (this.closed) return Promise.reject(new ConnectionLostError('the plugin closed its daemon client'))
    if (this.connection && !this.connection.closed) return Promise.resolve(this.connection)
    if (!this.connecting) {
      this.connecting = this.openConnection(opts.autoStart ?? this.options.autoStart).finally(() => {
        this.connecting = null
      })
    }
    return this.connecting
  }

  /** @param {boolean} autoStart */
  async openConnection(autoStart) {
    const { cacheDir } = this.options
    let connection = await tryConnect(cacheDir)
    if (!connection) {
      if (!autoStart) throw new DaemonUnreachableError(this.unreachableMessage('no daemon is running'))
      try {
        this.options.onStart?.(`starting the daemon for ${cacheDir}`)
        const child = startDaemon(this.options)
        connection = await waitForDaemon(cacheDir, this.options.startTimeout, child)
      } catch (e) {
        throw new DaemonUnreachableError(this.unreachableMessage(/** @type {Error} */ (e).message))
      }
    }
    let hello
    try {
      hello = await connection.call('hello', {
        protocol: PROTOCOL_VERSION,
        client: CLIENT_NAME,
        settings: this.options.settings,
      })
    } catch (e) {
      connection.close()
      throw e
    }
    if (hello.protocol !== PROTOCOL_VERSION) {
      connection.close()
      throw new DaemonUnreachableError(
        `[prebundled] the daemon speaks protocol ${hello.protocol}, this plugin ${PROTOCOL_VERSION}: ` +
          `update one of them, then restart the daemon (${restartCommand(cacheDir)})`,
      )
    }
    this.hello = hello
    this.connection = connection
    connection.closeListeners.push(() => {
      if (this.connection === connection) this.connection = null
    })
    this.options.onHello?.(hello)
    return connection
  }

  /** @param {string} reason */
  unreachableMessage(reason) {
    const { cacheDir, projectRoots } = this.options
    return (
      `[prebundled] cannot reach the prebundled daemon for ${cacheDir}: ${reason}\n` +
      `Start it from the project's directory with: scripts/prebundled start --cache-dir ${cacheDir}\n` +
      `(or: java -jar prebundled.jar daemon --cache-dir ${cacheDir} --project-root ${projectRoots[0]}), ` +
      `then reload the page. Its output: ${daemonOutputFile(cacheDir)}`
    )
  }

  /**
   * Starts a new daemon session: the next request opens a new connection (and says hello).
   * Used after a full page reload: the browsers then hold no earlier build, so the daemon's
   * record of what this client was handed starts empty. Requests still in flight on the old
   * connection are retried on the new one.
   */
  resetSession() {
    const connection = this.connection
    this.connection = null
    connection?.close()
  }

  /** Closes the connection; the daemon keeps running. */
  close() {
    this.closed = true
    this.connection?.close()
    this.connection = null
  }
}

/** @param {number} attempt 1-based */
export function backoffDelay(attempt) {
  const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1))
  return delay * (0.8 + Math.random() * 0.4)
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A connection to the daemon named by daemon.json, or null when none answers.
 * @param {string} cacheDir
 */
export async function tryConnect(cacheDir) {
  const info = readDaemonInfo(cacheDir)
  if (!info) return null
  try {
    return await Connection.open(info.socket)
  } catch {
    return null
  }
}

/** Where the daemon's stdout and stderr go when the plugin or the scripts start it. @param {string} cacheDir */
export function daemonOutputFile(cacheDir) {
  return path.join(cacheDir, 'daemon.out')
}

/** @param {string} cacheDir */
export function restartCommand(cacheDir) {
  return `scripts/prebundled restart --cache-dir ${cacheDir}`
}

/**
 * The jar to start: option `jar`, else env PREBUNDLED_JAR; a clear error when neither is set or
 * the file is missing.
 * @param {string} [jarOption]
 */
export function findJar(jarOption) {
  const [jar, from] = jarOption ? [jarOption, 'the plugin option "jar"'] : [process.env.PREBUNDLED_JAR, 'PREBUNDLED_JAR']
  if (!jar) {
    throw new Error(
      'no daemon jar to start: set the plugin option "jar" or the environment variable PREBUNDLED_JAR ' +
        'to the path of prebundled.jar (scripts/setup builds it into target/prebundled.jar)',
    )
  }
  const file = path.resolve(jar)
  if (!fs.existsSync(file)) {
    throw new Error(
      `the daemon jar ${file} (from ${from}) does not exist: build it with scripts/setup, ` +
        'or point the plugin option "jar" / PREBUNDLED_JAR at prebundled.jar',
    )
  }
  return file
}

/** The java executable: option, else $JAVA_HOME/bin/java, else java on PATH. @param {string} [javaOption] */
export function findJava(javaOption) {
  if (javaOption) return javaOption
  const home = process.env.JAVA_HOME
  if (home && fs.existsSync(path.join(home, 'bin', 'java'))) return path.join(home, 'bin', 'java')
  return 'java'
}

/**
 * The command line that starts a daemon (the plugin and scripts/prebundled use this same one).
 * @param {{java: string, jar: string, cacheDir: string, configFile: string, projectRoots: string[],
 *   settings: Record<string, any>}} o
 * @returns {{command: string, args: string[]}}
 */
export function daemonCommand(o) {
  const resources = o.settings.server?.resourceManagement ?? {}
  const args = [
    `-Xmx${resources.maxOldSpaceSize ?? 1024}m`,
    `-Xmn${resources.maxSemiSpaceSize ?? 64}m`,
    '-jar', o.jar,
    'daemon',
    '--cache-dir', o.cacheDir,
    '--config', o.configFile,
  ]
  for (const root of o.projectRoots) args.push('--project-root', root)
  return { command: o.java, args }
}

/**
 * Writes the config file and starts a detached daemon with its output in daemon.out.
 * @param {DaemonOptions} options
 * @returns {import('node:child_process').ChildProcess}
 */
export function startDaemon(options) {
  const jar = findJar(options.jar)
  const java = findJava(options.java)
  fs.mkdirSync(options.cacheDir, { recursive: true })
  const configFile = path.join(options.cacheDir, 'daemon.config.json')
  const temp = `${configFile}.${process.pid}.tmp`
  fs.writeFileSync(temp, JSON.stringify(options.settings, null, 2) + '\n')
  fs.renameSync(temp, configFile)
  const { command, args } = daemonCommand({ java, jar, cacheDir: options.cacheDir, configFile, projectRoots: options.projectRoots, settings: options.settings })
  const out = fs.openSync(daemonOutputFile(options.cacheDir), 'a')
  try {
    // PREBUNDLED_NODE: the daemon evaluates CommonJS entries with this Node to find their run-time exports.
    const env = { ...process.env, PREBUNDLED_NODE: process.env.PREBUNDLED_NODE ?? process.execPath }
    const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out], cwd: options.projectRoots[0], env })
    child.on('error', () => {})
    child.unref()
    return child
  } finally {
    fs.closeSync(out)
  }
}

/**
 * Waits until a daemon for cacheDir accepts connections; fails early when the started child
 * exits with an error, and after `timeout` ms.
 * @param {string} cacheDir
 * @param {number} timeout
 * @param {import('node:child_process').ChildProcess} [child]
 * @returns {Promise<Connection>}
 */
export async function waitForDaemon(cacheDir, timeout, child) {
  const deadline = Date.now() + timeout
  /** @type {{code: number|null, error?: Error} | null} */
  let exited = null
  child?.once('exit', (code) => { exited = { code } })
  child?.once('error', (error) => { exited = { code: null, error } })
  while (Date.now() < deadline) {
    const connection = await tryConnect(cacheDir)
    if (connection) return connection
    if (exited && (exited.error || exited.code !== 0)) {
      const why = exited.error ? exited.error.message : `it exited with status ${exited.code}`
      throw new Error(`the daemon did not start: ${why}${tail(daemonOutputFile(cacheDir))}`)
    }
    await sleep(100)
  }
  throw new Error(`the daemon did not open its socket within ${timeout} ms (option startTimeout)${tail(daemonOutputFile(cacheDir))}`)
}

/** The last lines of a file, for error messages. @param {string} file */
function tail(file) {
  try {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').filter((l) => !/^\s+(at |\.\.\. \d+ more)/.test(l)).slice(-8)
    return lines.length && lines[0] ? `; last lines of ${file}:\n  ${lines.join('\n  ')}` : ''
  } catch {
    return ''
  }
}
