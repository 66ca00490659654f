'use strict';
// Prints, as JSON, the code point ranges cjs-module-lexer treats as identifier start / identifier
// part (its acorn tables are module-private, so the module text is evaluated with an extra export).
// Usage: node identifier-chars-oracle.cjs <node_modules dir>
const fs = require('fs');
const path = require('path');

const file = path.join(process.argv[2], 'cjs-module-lexer', 'lexer.js');
const source = fs.readFileSync(file, 'utf8') +
  '\nmodule.exports.__identifierChars = { isIdentifierStart, isIdentifierChar };';
const mod = { exports: {} };
new Function('module', 'exports', 'require', source)(mod, mod.exports, require);
const { isIdentifierStart, isIdentifierChar } = mod.exports.__identifierChars;

function ranges (predicate) {
  const out = [];
  let start = -1;
  for (let cp = 0; cp <= 0x110000; cp++) {
    const inSet = cp <= 0x10FFFF && !!predicate(cp, true);
    if (inSet && start < 0) start = cp;
    if (!inSet && start >= 0) { out.push([start, cp - 1]); start = -1; }
  }
  return out;
}
process.stdout.write(JSON.stringify({ start: ranges(isIdentifierStart), part: ranges(isIdentifierChar) }));
