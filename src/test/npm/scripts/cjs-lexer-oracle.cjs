'use strict';
// Test oracle for dev.prebundled.cjs.CjsLexer: runs the real cjs-module-lexer (its JS build) over
// a list of files and prints {file: {exports, reexports} | {error, line, column}} as JSON.
// Usage: node cjs-lexer-oracle.cjs <node_modules dir> <file listing one path per line>
const fs = require('fs');
const path = require('path');

const [nodeModules, listFile] = process.argv.slice(2);
const { parse } = require(path.join(nodeModules, 'cjs-module-lexer'));
const files = fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean);

const results = {};
let lexMillis = 0;
for (const file of files) {
  // Java decodes the bytes as UTF-8 with replacement, exactly like this.
  const source = fs.readFileSync(file, 'utf8');
  const start = process.hrtime.bigint();
  try {
    const { exports, reexports } = parse(source, file);
    results[file] = { exports, reexports };
  } catch (e) {
    const m = /:(\d+):(\d+)$/.exec(String(e.message));
    results[file] = { error: String(e.message).split('\n')[0], line: m ? +m[1] : 0, column: m ? +m[2] : 0 };
  }
  lexMillis += Number(process.hrtime.bigint() - start) / 1e6;
}
process.stderr.write(`cjs-module-lexer: ${files.length} files in ${lexMillis.toFixed(0)} ms\n`);
process.stdout.write(JSON.stringify(results));
