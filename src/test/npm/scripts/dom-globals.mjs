// A DOM for code that expects a browser: jsdom's window, with its globals copied onto Node's.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>', {
  url: 'http://localhost/',
  pretendToBeVisual: true,
});
const { window } = dom;
for (const key of Object.getOwnPropertyNames(window)) {
  if (!(key in globalThis)) {
    try {
      globalThis[key] = window[key];
    } catch {
      // some of jsdom's properties are getters that refuse to be copied; none matter here
    }
  }
}
globalThis.window = window;
globalThis.document = window.document;
if (!globalThis.navigator) globalThis.navigator = window.navigator;
