#!/usr/bin/env node
// Builds dist/ when a source is newer than the last build, so that `npm start` and the CLIs work
// right after `npm ci` with no separate step. Compiler output goes to stderr: CLIs keep stdout clean.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const lock = path.join(root, 'dist', '.build-lock');
const inputs = ['src', 'intents', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newest(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return /\.(ts|json)$/.test(p) && !/\.spec\.ts$/.test(p) ? st.mtimeMs : 0;
  let max = 0;
  for (const name of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

function stampTime() {
  try {
    return fs.statSync(stamp).mtimeMs;
  } catch {
    return -1;
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function build() {
  const started = Date.now();
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (result.status !== 0) {
    process.stderr.write('build failed: see the compiler errors above\n');
    process.exit(result.status ?? 1);
  }
  fs.writeFileSync(stamp, new Date().toISOString() + '\n');
  process.stderr.write(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const sources = Math.max(...inputs.map((p) => newest(path.join(root, p))));
if (stampTime() >= sources) process.exit(0);

fs.mkdirSync(path.dirname(stamp), { recursive: true });
// One build at a time: a second caller waits for the first, then re-checks.
for (let waited = 0; ; waited += 200) {
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
    break;
  } catch {
    let stale = false;
    try {
      stale = Date.now() - fs.statSync(lock).mtimeMs > 180000;
    } catch {
      continue;
    }
    if (stale) fs.rmSync(lock, { force: true });
    else if (waited > 180000) {
      process.stderr.write('another build holds dist/.build-lock\n');
      process.exit(1);
    } else sleep(200);
  }
}
try {
  if (stampTime() < sources) build();
} finally {
  fs.rmSync(lock, { force: true });
}
