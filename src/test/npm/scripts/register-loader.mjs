// Registers prebundled-loader.mjs with the map of specifier -> output file named in PREBUNDLED_MAP.
import { register } from 'node:module';

register('./prebundled-loader.mjs', import.meta.url, {
  data: { mapFile: process.env.PREBUNDLED_MAP, packagesDir: process.env.PREBUNDLED_PACKAGES },
});
