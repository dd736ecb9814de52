// ruff's async rules (ASYNC) through its WebAssembly build, over the files named on stdin
// (one path a line). Prints the number of diagnostics. The wasm build is what the npm
// registry carries; it runs single-threaded and below the native binary's speed.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const ruff = require(process.argv[2]);
const ws = new ruff.Workspace({ lint: { select: ['ASYNC'] } }, ruff.PositionEncoding.Utf8);
let n = 0;
for (const path of readFileSync(0, 'utf8').split('\n')) {
  if (!path) continue;
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    continue;
  }
  try {
    n += ws.check(text).length;
  } catch {
    /* a file ruff cannot parse */
  }
}
console.log(`findings ${n}`);
