import { defineConfig } from 'vite'
import prebundled from '../../vite-plugin/index.js'

// The reference app with the prebundled plugin. PREBUNDLED=off runs it with Vite's own
// optimizer instead (benchmarks and fidelity comparisons).
// PREBUNDLED_CACHE_DIR overrides the cache dir (tests use a fresh one per run);
// PREBUNDLED_IMPORTMAP sets the plugin's importmap option (warn | remove | off).
const off = process.env.PREBUNDLED === 'off'

export default defineConfig({
  server: { host: '127.0.0.1', strictPort: true },
  clearScreen: false,
  plugins: off
    ? []
    : [
        prebundled({
          ...(process.env.PREBUNDLED_CACHE_DIR ? { optimizeDeps: { cacheDir: process.env.PREBUNDLED_CACHE_DIR } } : {}),
          ...(process.env.PREBUNDLED_IMPORTMAP ? { importmap: process.env.PREBUNDLED_IMPORTMAP } : {}),
        }),
      ],
})
