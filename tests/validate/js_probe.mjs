// Runs a JavaScript fixture's exported `main()` under Node and prints what it did, as
// JSON: unhandled rejections, the longest event-loop delay (stall), peak concurrency
// (the fixture may export a `probe` object with a `peak` counter), and whether an
// aborted main finished within a deadline (when the fixture exports ABORT_AFTER).
// A `*.test.mjs` fixture is a node:test file instead: it runs under `node --test`, and the
// report counts the tests that failed, the subtests cancelled by their parent and the tests
// that took a done callback and returned a promise.
import { spawnSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const report = { unhandled_rejections: 0, longest_stall_ms: 0, peak: 0, abort_honoured: null, error: null };
if (process.argv[2].endsWith('.test.mjs')) {
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', process.argv[2]], { encoding: 'utf8' });
  const count = (re) => Number((run.stdout.match(re) || [0, 0])[1]);
  const cancelled = (run.stdout.match(/failureType: 'cancelledByParent'/g) || []).length;
  report.tests_failed = count(/^# fail (\d+)$/m);
  const overspecified = (run.stdout.match(/passed a callback but also returned a Promise/g) || []).length;
  if (cancelled) report.error = `${cancelled} subtests cancelled by their parent`;
  else if (overspecified) report.error = `${overspecified} tests failed: passed a callback but also returned a Promise`;
  else if (report.tests_failed) report.error = `${report.tests_failed} tests failed`;
  console.log(JSON.stringify(report));
  process.exit(0);
}
process.on('unhandledRejection', () => { report.unhandled_rejections += 1; });

let mod;
try {
  mod = await import(pathToFileURL(process.argv[2]).href);
} catch (err) { // the fixture does not even compile (AL511): data too
  report.error = `${err.name}: ${err.message}`;
  console.log(JSON.stringify(report));
  process.exit(0);
}
// Stalls while importing (fixture setup) are not the fixture's main: the monitor starts
// after the import, and gets a few samples in before main runs.
const h = monitorEventLoopDelay({ resolution: 5 });
h.enable();
await new Promise((r) => setTimeout(r, 15));
try {
  if (mod.ABORT_AFTER !== undefined) {
    const ac = new AbortController();
    const run = mod.main(ac.signal);
    await new Promise((r) => setTimeout(r, mod.ABORT_AFTER));
    const t0 = Date.now();
    ac.abort();
    const outcome = await Promise.race([
      run.then(() => 'finished', (e) => (e && e.name === 'AbortError' ? 'aborted' : 'failed')),
      new Promise((r) => setTimeout(() => r('timeout'), 1000)),
    ]);
    report.abort_honoured = outcome === 'aborted' && Date.now() - t0 < 1000;
  } else {
    await mod.main();
  }
} catch (err) {
  report.error = String(err && err.message ? err.message : err);
}
await new Promise((r) => setTimeout(r, 20)); // let late rejections surface
h.disable();
report.longest_stall_ms = h.max / 1e6;
if (mod.probe && typeof mod.probe.peak === 'number') report.peak = mod.probe.peak;
console.log(JSON.stringify(report));
