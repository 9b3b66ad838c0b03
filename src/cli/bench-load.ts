import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { parse, stringify } from 'yaml';
import { fromRoot } from '../common/project-root';
import { parseArgs, runCli, UsageError } from './cli-support';

/**
 * npm run -s bench:load: what the webhook and the turn carry on this machine. A bare Fastify server
 * (the machine's limit), then the real app process per database: webhook acks at 50 connections, a
 * fixed offered rate, an end-to-end burst counted at a fake Send API, the web chat; peak RSS and
 * evidence:verify for each. Every server is a child process on loopback; every child dies with us.
 */
const USAGE = [
  'usage: npm run -s bench:load [-- --only sqlite,postgres,pg2] [--duration S] [--turns N]',
  '         [--database-url postgres://...] [--sqlite-drivers sqlite3,better-sqlite3] [--json FILE] [--keep]',
].join('\n');

const SECRET = 'bench-load-app-secret';
const PAGE = 'PAGE_BENCH_LOAD';
const CONNECTIONS = 50;
const OFFERED_RATE = 1000;
/** Steady-rate runs begin with this long at the same rate, not counted (paced() says why). */
const WARMUP_SECONDS = 1;
const WEB_RATE = 100;
const WEB_CONNECTIONS = 20;
const E2E_USERS = 1000;
/** The end-to-end wait gives up after this long without a new reply or a drained queue row. */
const STALL_MS = 30_000;
const HEALTH_WAIT_MS = 180_000; // a first start may train the classifier
const STOP_WAIT_MS = 30_000;
const NLU_CACHE = join(tmpdir(), 'outreach-bench-load-nlu-cache');

/** What citizens write: Vietnamese with and without diacritics, teencode, a little English. */
const TEXTS = [
  'làm sao đăng ký tài khoản VNeID',
  'thẻ bhyt hết hạn thì sao',
  'địa chỉ bệnh viện ở đâu',
  'quên mật khẩu vneid',
  'cho mình hỏi giờ làm việc của sở y tế',
  'lam sao gia han the bao hiem y te',
  'tài khoản định danh mức 2 làm ở đâu ạ',
  'xin chào',
  'cấp lại thẻ bhyt bị mất cần giấy tờ gì',
  'dịch vụ công trực tuyến nộp hồ sơ thế nào',
  'how do I register for VNeID',
  'cảm ơn nhiều nha',
  'ko đăng nhập đc vneid',
  'khám bệnh có cần mang thẻ bhyt không',
];

// ---------------------------------------------------------------------------------------------
// Child processes: every one registered, every one killed when we exit, however we exit.

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench:load: ${signal}, stopping children\n`);
    process.exit(130);
  });
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

const benchStart = Date.now();
/** Progress on stderr, with the time since the start: stdout is kept for the table. */
const say = (line: string) =>
  process.stderr.write(`${((Date.now() - benchStart) / 1000).toFixed(1).padStart(6)} s  ${line}\n`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Keeps the last lines of a child's output for error messages, and counts its warn/error log lines. */
class LogTap {
  private tail: string[] = [];
  private partial = '';
  readonly counts = { warn: 0, error: 0 };
  /** A few distinct warn/error messages, for the report. */
  readonly samples = new Set<string>();
  /** Set when we send SIGTERM: what the app logs while it stops is told apart. */
  stopping = false;

  feed(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      this.tail.push(line);
      if (this.tail.length > 40) this.tail.shift();
      const level = /"level":"(warn|error)"/.exec(line)?.[1] as 'warn' | 'error' | undefined;
      // Said once per start about the shipped units file: not a finding of the load.
      if (!level || line.includes('unit details still TO_FILL')) continue;
      this.counts[level]++;
      const msg = /"msg":"([^"]{0,160})/.exec(line)?.[1] ?? line.slice(0, 160);
      const error = /"error":"([^"]{0,200})/.exec(line)?.[1];
      const when = this.stopping ? ' [while stopping]' : '';
      if (this.samples.size < 8) this.samples.add(`${level}${when}: ${msg}${error ? ` (${error})` : ''}`);
    }
  }

  text(): string {
    return [...this.tail, this.partial].join('\n');
  }
}

/** Starts one of bench-load-servers.js and waits for its {"port":N} line. */
async function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = track(
    spawn(process.execPath, [fromRoot('dist/src/cli/bench-load-servers.js'), ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  const log = new LogTap();
  child.stderr!.on('data', (d: Buffer) => log.feed(d));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${args[0]} server did not start in 15 s: ${log.text()}`)),
      15_000,
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const line = /^\{"port":(\d+)\}$/m.exec(out);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} server exited (${code}): ${log.text()}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_WAIT_MS);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

// ---------------------------------------------------------------------------------------------
// The app under test.

interface AppInstance {
  child: ChildProcess;
  url: string;
  log: LogTap;
  /** Set once we stop it: an exit before that is a crash. */
  stopping: boolean;
  crash?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function startApp(env: Record<string, string>, label: string): Promise<AppInstance> {
  const port = await freePort();
  const log = new LogTap();
  const child = track(
    spawn(
      process.execPath,
      [
        // e.g. BENCH_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": a profile per app process.
        ...(process.env.BENCH_APP_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []),
        '-r',
        fromRoot('dist/src/cli/bench-load-leash.js'),
        fromRoot('dist/src/main.js'),
      ],
      {
        cwd: fromRoot(),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...env,
          PORT: String(port),
          HOST: '127.0.0.1',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    ),
  );
  child.stdout!.on('data', (d: Buffer) => log.feed(d));
  child.stderr!.on('data', (d: Buffer) => log.feed(d));
  const url = `http://127.0.0.1:${port}`;
  const app: AppInstance = { child, url, log, stopping: false };
  child.once('exit', (code, signal) => {
    if (app.stopping) return;
    app.crash = `exited by itself (${signal ?? `code ${code}`})`;
    process.stderr.write(`\napp ${label} ${app.crash}; its last log lines:\n${log.text()}\n`);
  });
  for (const deadline = Date.now() + HEALTH_WAIT_MS; ;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`app ${label} exited at start (${child.signalCode ?? child.exitCode}):\n${log.text()}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return app;
    if (Date.now() > deadline) {
      app.stopping = true;
      await stopChild(child, 'SIGKILL');
      throw new Error(`app ${label} not healthy after ${HEALTH_WAIT_MS / 1000} s:\n${log.text()}`);
    }
    await sleep(200);
  }
}

/** Peak resident memory of some processes, from /proc/PID/status, sampled every 200 ms. */
class RssSampler {
  private peakKb = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: () => number[]) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), 200);
  }

  sample(): void {
    for (const pid of this.pids()) {
      try {
        const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        this.peakKb = Math.max(this.peakKb, kb);
      } catch {
        // The process is gone (or this is not Linux): nothing to read.
      }
    }
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return Math.round(this.peakKb / 1024);
  }
}

/**
 * CPU time over a phase, from /proc (Linux): the app processes' own (all their threads: the event
 * loop, V8's collectors, the thread pool) and the whole machine's busy time, which includes the load
 * generator, the fake Send API and, with PostgreSQL, the database. Per turn, they say how far the
 * machine is from its ceiling: N cores carry at most N × 1,000 / (machine ms per turn) turns/s.
 */
class CpuMeter {
  private readonly from: CpuSnapshot;
  private to?: CpuSnapshot;

  constructor(private readonly pids: () => number[]) {
    this.from = this.snapshot();
  }

  /** Ends the phase. */
  end(): void {
    this.to = this.snapshot();
  }

  /** Null where /proc cannot be read. */
  perTurn(turns: number): EndToEnd['cpu'] {
    const to = this.to ?? this.snapshot();
    const total = to.total - this.from.total;
    const seconds = (to.at - this.from.at) / 1000;
    if (!total || !seconds || !turns) return null;
    // Clock ticks per second, from the jiffies all cores counted over the wall time.
    const hz = total / (seconds * cpus().length);
    const ms = (jiffies: number) => round((1000 * jiffies) / hz / turns, 2);
    return {
      appMsPerTurn: ms(to.apps - this.from.apps),
      machineMsPerTurn: ms(to.busy - this.from.busy),
      machineBusyPercent: Math.round((100 * (to.busy - this.from.busy)) / total),
    };
  }

  private snapshot(): CpuSnapshot {
    return { ...machineJiffies(), apps: this.appJiffies(), at: Date.now() };
  }

  private appJiffies(): number {
    let sum = 0;
    for (const pid of this.pids()) {
      try {
        // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        sum += Number(fields[11]) + Number(fields[12]);
      } catch {
        // gone, or not Linux
      }
    }
    return sum;
  }
}

interface CpuSnapshot {
  busy: number;
  total: number;
  apps: number;
  at: number;
}

function machineJiffies(): { busy: number; total: number } {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const n = values.slice(0, 8).map(Number);
    const total = n.reduce((a, b) => a + b, 0);
    return { busy: total - n[3] - n[4], total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

// ---------------------------------------------------------------------------------------------
// Deliveries: each one a distinct message id, signed as Meta signs.

interface Delivery {
  mid: string;
  user: string;
  /** Position of this message in its user's conversation. */
  k: number;
  body: string;
  signature: string;
}

function delivery(tag: string, i: number, users: number): Delivery {
  const user = `BL_${tag}_U${i % users}`;
  const k = Math.floor(i / users);
  const mid = `m.bench.${tag}.${i}`;
  const now = Date.now();
  const body = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: PAGE,
        time: now,
        messaging: [
          {
            sender: { id: user },
            recipient: { id: PAGE },
            timestamp: now,
            message: { mid, text: TEXTS[(i * 7 + k) % TEXTS.length] },
          },
        ],
      },
    ],
  });
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  return { mid, user, k, body, signature };
}

// ---------------------------------------------------------------------------------------------
// autocannon (no type definitions shipped): the part of its API used here.

interface CannonRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: CannonRequest) => CannonRequest;
}
interface CannonResult {
  latency: Record<string, number>;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
type Autocannon = (
  options: {
    url: string | string[];
    connections: number;
    duration?: number;
    overallRate?: number;
    timeout?: number;
    requests: CannonRequest[];
  },
  done: (error: Error | null, result: CannonResult) => void,
) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

interface LoadFigures {
  /** 2xx answers per second over the run. */
  rate: number;
  ok: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  seconds: number;
}

function cannon(
  urls: string[],
  options: { connections: number; duration: number; overallRate?: number },
  next: () => { body: string; headers: Record<string, string> },
): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: urls.length === 1 ? urls[0] : urls,
        connections: options.connections,
        duration: options.duration,
        overallRate: options.overallRate,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            // Called for each request just before it is written: a fresh body every time.
            setupRequest: (request) => {
              const { body, headers } = next();
              return { ...request, method: 'POST', body, headers };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          rate: round(result['2xx'] / result.duration),
          ok: result['2xx'],
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.errors + result.timeouts,
          non2xx: result.non2xx,
          seconds: result.duration,
        });
      },
    );
  });
}

/**
 * An open-loop load at a steady rate: request i is due at start + i / rate and is sent then, however
 * many are still unanswered, and its latency counts from when it was due (no coordinated omission).
 * autocannon's overallRate is not that: each connection sends its share of a second back to back at
 * the top of every second and then pauses, so "1,000/s" arrives as a burst of 1,000 each second, and
 * even the bare endpoint's p99 is the time to drain the burst. The first second runs at the same rate
 * and is not counted: a fresh process compiles its hot paths then (at 1,000/s the app's first 200 ms
 * queued up to 200 ms, each on a connection of its own), and a steady rate is what is measured.
 */
async function paced(
  urls: string[],
  options: { rate: number; duration: number },
  next: () => { body: string; headers: Record<string, string> },
): Promise<LoadFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const warmup = Math.round(options.rate * WARMUP_SECONDS);
  const total = warmup + Math.round(options.rate * options.duration);
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const inFlight: Promise<void>[] = [];
  const send = (url: string, due: number, counted: boolean): Promise<void> =>
    new Promise((resolve) => {
      const { body, headers } = next();
      const req = httpRequest(
        url,
        {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (!counted) return resolve();
            if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300)
              latencies.push(performance.now() - due);
            else non2xx++;
            resolve();
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        if (counted) errors++;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now() + 5;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / options.rate <= now) {
        inFlight.push(send(urls[sent % urls.length], start + (sent * 1000) / options.rate, sent >= warmup));
        sent++;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    setTimeout(tick, 5);
  });
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000 - WARMUP_SECONDS;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    rate: round(latencies.length / Math.max(seconds, options.duration)),
    ok: latencies.length,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    errors,
    non2xx,
    seconds: round(seconds),
  };
}

function signedDeliveries(
  tag: string,
  users: number,
): () => { body: string; headers: Record<string, string> } {
  let i = 0;
  return () => {
    const d = delivery(tag, i++, users);
    return {
      body: d.body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': d.signature },
    };
  };
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile of sorted numbers. */
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// ---------------------------------------------------------------------------------------------
// A deployment: one app (or two on one PostgreSQL schema) on a fresh database.

type Kind = 'sqlite' | 'postgres' | 'pg2';

interface Target {
  label: string;
  kind: Kind;
  sqliteDriver?: string;
}

interface Deployment {
  apps: AppInstance[];
  /** The app processes still known by pid (what RssSampler and CpuMeter read). */
  pids: () => number[];
  rss: RssSampler;
  db: () => Promise<DataSource>;
  /** Stops the apps, then runs evidence:verify on their data. */
  finish: () => Promise<{
    verified: boolean;
    verifyOutput: string;
    /** SIGTERM to exit: the graceful stop, with whatever backlog the scenario left. */
    stopSeconds: number;
    logs: LogTap[];
    crashes: string[];
  }>;
}

class Bench {
  private readonly dirs: string[] = [];
  private readonly schemas: string[] = [];
  private readonly unitsFile: string;
  private seq = 0;

  constructor(
    private readonly graphUrl: string,
    private readonly databaseUrl: string | undefined,
    private readonly keep: boolean,
  ) {
    this.unitsFile = join(this.tempDir('units'), 'units.yaml');
    // The shipped units with the default unit's web chat on (playground: answered, not counted).
    const file = parse(readFileSync(fromRoot('units.yaml'), 'utf8')) as {
      defaultUnit: string;
      units: { id: string; webChat?: string }[];
    };
    for (const unit of file.units)
      if (unit.id === file.defaultUnit && unit.webChat === 'off') unit.webChat = 'playground';
    writeFileSync(this.unitsFile, stringify(file));
  }

  tempDir(name: string): string {
    const dir = mkdtempSync(join(tmpdir(), `outreach-bench-load-${name}-`));
    this.dirs.push(dir);
    return dir;
  }

  async deploy(target: Target, phase: string): Promise<Deployment> {
    const dir = this.tempDir(phase);
    const env: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATA_DIR: dir,
      NLU_CACHE_DIR: NLU_CACHE,
      UNITS_FILE: this.unitsFile,
      USER_KEY_SECRET: 'bench-load-user-key-secret-0123456789abcdef',
      SESSION_SECRET: 'bench-load-session-secret-0123456789abcdef',
      MESSENGER_APP_SECRET: SECRET,
      MESSENGER_VERIFY_TOKEN: 'bench-load-verify',
      MESSENGER_PAGE_ID: PAGE,
      MESSENGER_PAGE_ACCESS_TOKEN: 'BENCH_LOAD_PAGE_TOKEN',
      MESSENGER_API_URL: `${this.graphUrl}/v25.0`,
      WEB_CHAT_RATE_PER_MINUTE: '100000',
      WEB_CHAT_IP_RATE_PER_MINUTE: '100000',
      // The stop is not measured; a short grace keeps scenarios that leave a backlog short.
      SHUTDOWN_GRACE_MS: '2000',
    };
    let schema: string | undefined;
    if (target.kind === 'sqlite') {
      env.DATABASE_URL = `sqlite:${join(dir, 'bench.sqlite')}`;
      if (target.sqliteDriver) env.SQLITE_DRIVER = target.sqliteDriver;
    } else {
      schema = `bench_load_${process.pid}_${Date.now().toString(36)}_${++this.seq}`;
      this.schemas.push(schema);
      env.DATABASE_URL = this.databaseUrl!;
      env.DATABASE_SCHEMA = schema;
    }
    const apps: AppInstance[] = [];
    try {
      // One after the other: the first applies the migrations.
      apps.push(await startApp(env, `${target.label}/${phase}`));
      if (target.kind === 'pg2') apps.push(await startApp(env, `${target.label}/${phase}/b`));
    } catch (error) {
      for (const app of apps) {
        app.stopping = true;
        await stopChild(app.child, 'SIGKILL');
      }
      throw error;
    }
    const pids = () => apps.map((a) => a.child.pid ?? 0).filter((p) => p > 0);
    const rss = new RssSampler(pids);
    rss.start();
    let source: DataSource | undefined;
    const db = async () => {
      if (!source) {
        source = new DataSource(
          target.kind === 'sqlite'
            ? { type: 'sqlite', database: join(dir, 'bench.sqlite') }
            : {
                type: 'postgres',
                url: this.databaseUrl,
                extra: { max: 2, options: `-c search_path=${schema}` },
              },
        );
        await source.initialize();
      }
      return source;
    };
    const finish = async () => {
      if (source?.isInitialized) await source.destroy();
      const stopStart = Date.now();
      await Promise.all(
        apps.map(async (app) => {
          app.stopping = true;
          app.log.stopping = true;
          const code = await stopChild(app.child);
          if (code !== 0) app.log.feed(Buffer.from(`\n(bench:load: the app exited with ${code})\n`));
        }),
      );
      const stopSeconds = round((Date.now() - stopStart) / 1000);
      rss.stop();
      const verify = spawnSync(process.execPath, [fromRoot('dist/src/cli/evidence-verify.js')], {
        cwd: fromRoot(),
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        encoding: 'utf8',
        timeout: 600_000,
      });
      const verifyOutput =
        `${verify.stdout ?? ''}${verify.stderr ?? ''}${verify.error ? String(verify.error) : ''}`.trim();
      return {
        verified: verify.status === 0,
        verifyOutput,
        stopSeconds,
        logs: apps.map((a) => a.log),
        crashes: apps.map((a, i) => (a.crash ? `instance ${i + 1} ${a.crash}` : '')).filter(Boolean),
      };
    };
    return { apps, pids, rss, db, finish };
  }

  async cleanUp(): Promise<void> {
    if (this.keep) {
      process.stderr.write(`bench:load: kept ${this.dirs.join(' ')} ${this.schemas.join(' ')}\n`);
      return;
    }
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    if (this.schemas.length && this.databaseUrl) {
      const client = new Client({ connectionString: this.databaseUrl });
      await client.connect();
      try {
        for (const schema of this.schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The end-to-end burst: our own sender, so that each delivery's send and ack time is known.

interface EndToEnd {
  deliveries: number;
  acked: number;
  /** How long sending (and acknowledging) the whole burst took. */
  sendSeconds: number;
  /** Deliveries not acknowledged with a 2xx (errors, timeouts, refusals). */
  unacked: number;
  answered: number;
  /** Acknowledged deliveries that no reply reached the Send API for. */
  lost: number;
  /** Extra arrivals of a reply (an outbox message part) that already reached the Send API. */
  duplicates: number;
  /** Conversations whose replies reached the Send API out of the order of their messages. */
  outOfOrder: number;
  /** Send API messages no delivery of this burst accounts for. */
  stray: number;
  /** Inbox events and outbox messages still pending or claimed when the wait ended. */
  openAtEnd: { inbox: number; outbox: number };
  turnsPerSecond: number;
  seconds: number;
  /** Delivery sent → first reply of its turn at the Send API, ms. */
  latency: { p50: number; p90: number; p99: number; max: number };
  /** CPU of the phase (CpuMeter), per answered turn; null without /proc. */
  cpu: { appMsPerTurn: number; machineMsPerTurn: number; machineBusyPercent: number } | null;
}

function post(url: string, agent: Agent, d: Delivery): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        timeout: 30_000,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(d.body),
          'x-hub-signature-256': d.signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end(d.body);
  });
}

interface SendRecord {
  t: number;
  recipient: string;
  metadata?: string;
  part?: string;
}

async function graphSends(graphUrl: string, from: number): Promise<{ total: number; records: SendRecord[] }> {
  const res = await fetch(`${graphUrl}/__bench/sends?from=${from}`);
  if (!res.ok) throw new Error(`the fake Send API answered ${res.status}`);
  return (await res.json()) as { total: number; records: SendRecord[] };
}

const OPEN_ROWS = `SELECT
  (SELECT COUNT(*) FROM inbox_event WHERE status IN ('pending','processing')) AS inbox,
  (SELECT COUNT(*) FROM outbox_message WHERE status IN ('pending','sending')) AS outbox`;

async function endToEnd(
  urls: string[],
  graphUrl: string,
  deployment: Deployment,
  turns: number,
  tag: string,
): Promise<EndToEnd> {
  await fetch(`${graphUrl}/__bench/reset`, { method: 'POST' });
  const users = Math.min(E2E_USERS, Math.max(1, Math.ceil(turns / 5)));
  const sent = new Map<string, { at: number; user: string; k: number; status: number }>();
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = 0;
  const meter = new CpuMeter(deployment.pids);
  const firstAt = Date.now();
  // Message k of every user is sent before message k+1 of any, and only once message k was
  // acknowledged, as a platform does: the order the replies must keep is then the order sent.
  const done: Promise<void>[] = [];
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < turns) {
        const i = next++;
        let acknowledged!: () => void;
        done[i] = new Promise((resolve) => (acknowledged = resolve));
        if (i >= users) await done[i - users];
        const d = delivery(tag, i, users);
        const at = Date.now();
        const status = await post(urls[i % urls.length], agent, d);
        sent.set(d.mid, { at, user: d.user, k: d.k, status });
        acknowledged();
      }
    }),
  );
  agent.destroy();
  const sendSeconds = round((Date.now() - firstAt) / 1000);
  const acked = [...sent.values()].filter((s) => s.status >= 200 && s.status < 300).length;

  // Wait for the replies: until the queues are drained, or nothing moves for STALL_MS.
  const records: SendRecord[] = [];
  const db = await deployment.db();
  let lastProgress = Date.now();
  let lastState = '';
  let open = { inbox: '0', outbox: '0' };
  for (;;) {
    const page = await graphSends(graphUrl, records.length);
    records.push(...page.records);
    [open] = await db.query<{ inbox: string; outbox: string }[]>(OPEN_ROWS);
    const state = `${records.length}/${open.inbox}/${open.outbox}`;
    if (state !== lastState) {
      lastState = state;
      lastProgress = Date.now();
      process.stderr.write(
        `\r  end to end: ${records.length} Send API calls, ${open.inbox} turns and ${open.outbox} replies open   `,
      );
    }
    if (Number(open.inbox) === 0 && Number(open.outbox) === 0) break;
    // With two instances the survivor may take the dead one's claims over: wait while one lives.
    if (deployment.apps.every((a) => a.crash)) {
      process.stderr.write('\n  end to end: the app exited while replies were open\n');
      break;
    }
    if (Date.now() - lastProgress > STALL_MS) {
      process.stderr.write(`\n  end to end: no progress for ${STALL_MS / 1000} s, counting what arrived\n`);
      break;
    }
    await sleep(500);
  }
  meter.end();
  process.stderr.write('\n');
  await sleep(300);
  records.push(...(await graphSends(graphUrl, records.length)).records);

  // Which delivery each reply answers: outbox row → its inbox event → the message id we sent.
  const rows = await db.query<{ outboxId: number | string; mid: string }[]>(
    `SELECT o.id AS "outboxId", i."externalId" AS "mid" FROM outbox_message o JOIN inbox_event i ON i.id = o."inboxEventId" WHERE o.channel = 'messenger'`,
  );
  const midOf = new Map(rows.map((r) => [`outbox:${r.outboxId}`, r.mid]));
  const firstReply = new Map<string, number>();
  const timesSent = new Map<string, number>();
  const lastK = new Map<string, number>();
  const disordered = new Set<string>();
  let stray = 0;
  let lastReplyAt = firstAt;
  for (const record of records) {
    if (!record.metadata) continue; // a typing indicator
    const mid = midOf.get(record.metadata);
    const delivered = mid ? sent.get(mid) : undefined;
    if (!mid || !delivered) {
      stray++;
      continue;
    }
    const sendKey = `${record.metadata}/${record.part}`;
    timesSent.set(sendKey, (timesSent.get(sendKey) ?? 0) + 1);
    if (!firstReply.has(mid)) firstReply.set(mid, record.t);
    lastReplyAt = Math.max(lastReplyAt, record.t);
    if ((lastK.get(delivered.user) ?? -1) > delivered.k) disordered.add(delivered.user);
    lastK.set(delivered.user, Math.max(lastK.get(delivered.user) ?? -1, delivered.k));
  }
  const latencies = [...firstReply].map(([mid, t]) => t - sent.get(mid)!.at).sort((a, b) => a - b);
  const ackedMids = [...sent].filter(([, s]) => s.status >= 200 && s.status < 300).map(([mid]) => mid);
  const seconds = (lastReplyAt - firstAt) / 1000;
  return {
    deliveries: turns,
    sendSeconds,
    acked,
    unacked: turns - acked,
    answered: firstReply.size,
    lost: ackedMids.filter((mid) => !firstReply.has(mid)).length,
    duplicates: [...timesSent.values()].reduce((n, times) => n + times - 1, 0),
    outOfOrder: disordered.size,
    stray,
    openAtEnd: { inbox: Number(open.inbox), outbox: Number(open.outbox) },
    turnsPerSecond: seconds > 0 ? round(firstReply.size / seconds) : 0,
    seconds: round(seconds),
    latency: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: latencies.length ? latencies[latencies.length - 1] : NaN,
    },
    cpu: meter.perTurn(firstReply.size),
  };
}

// ---------------------------------------------------------------------------------------------
// One database target: each scenario on a fresh deployment, so that no backlog carries over.

interface TargetResult {
  label: string;
  acks: LoadFigures;
  ratioToBare: number;
  fixedRate: LoadFigures & { offered: number };
  endToEnd: EndToEnd;
  webChatAtRate: LoadFigures & { offered: number };
  webChatConnections: LoadFigures;
  peakRssMB: number;
  verified: boolean;
  verifyOutput: string[];
  /** Warn and error lines of the app's log, per scenario (each scenario ran its own deployment). */
  appLog: {
    phase: string;
    stopSeconds: number;
    warn: number;
    error: number;
    samples: string[];
    crashes: string[];
  }[];
}

async function runTarget(
  bench: Bench,
  target: Target,
  options: Options,
  bare: LoadFigures,
  graphUrl: string,
): Promise<TargetResult> {
  const sayFor = (line: string) => say(`[${target.label}] ${line}`);
  const verifyOutput: string[] = [];
  const appLog: TargetResult['appLog'] = [];
  let verified = true;
  let peakRssMB = 0;
  const tag = `${target.label.replace(/\W/g, '')}${Date.now().toString(36)}`;
  const withDeployment = async <T>(
    phase: string,
    work: (d: Deployment, urls: (path: string) => string[]) => Promise<T>,
  ): Promise<T> => {
    sayFor(`${phase}: starting the app on a fresh database`);
    const d = await bench.deploy(target, phase);
    try {
      return await work(d, (path) => d.apps.map((a) => `${a.url}${path}`));
    } finally {
      sayFor(`${phase}: stopping the app, then evidence:verify`);
      const done = await d.finish();
      const phaseRss = d.rss.stop();
      peakRssMB = Math.max(peakRssMB, phaseRss);
      verified &&= done.verified;
      verifyOutput.push(
        `${phase}: ${done.verified ? 'pass' : 'FAIL'} ${done.verifyOutput.replace(/\n/g, ' | ')}`,
      );
      const samples = new Set(done.logs.flatMap((l) => [...l.samples]));
      sayFor(
        `${phase}: stopped in ${done.stopSeconds} s; peak RSS ${phaseRss} MB; evidence:verify ${done.verified ? 'pass' : 'FAIL'}`,
      );
      appLog.push({
        phase,
        stopSeconds: done.stopSeconds,
        warn: done.logs.reduce((n, l) => n + l.counts.warn, 0),
        error: done.logs.reduce((n, l) => n + l.counts.error, 0),
        samples: [...samples].slice(0, 8),
        crashes: done.crashes,
      });
    }
  };

  sayFor(`webhook acks, ${CONNECTIONS} connections, ${options.duration} s`);
  const acks = await withDeployment('acks', (_d, urls) =>
    cannon(
      urls('/webhooks/messenger'),
      { connections: CONNECTIONS, duration: options.duration },
      signedDeliveries(`${tag}a`, 1000),
    ),
  );
  sayFor(`${acks.rate} acks/s, p99 ${acks.p99} ms`);

  sayFor(`${OFFERED_RATE} deliveries/s offered, ${options.duration} s`);
  const fixed = await withDeployment('rate', (_d, urls) =>
    paced(
      urls('/webhooks/messenger'),
      { rate: OFFERED_RATE, duration: options.duration },
      signedDeliveries(`${tag}r`, 1000),
    ),
  );
  sayFor(
    `served ${fixed.ok} (${fixed.rate}/s), p99 ${fixed.p99} ms, errors ${fixed.errors}, non-2xx ${fixed.non2xx}`,
  );

  const { e2e, webRate, webConnections } = await withDeployment('e2e', async (d, urls) => {
    sayFor(`end to end: ${options.turns} deliveries`);
    const e2e = await endToEnd(urls('/webhooks/messenger'), graphUrl, d, options.turns, `${tag}e`);
    sayFor(
      `${e2e.turnsPerSecond} turns/s, reply p50 ${e2e.latency.p50} ms p99 ${e2e.latency.p99} ms; lost ${e2e.lost}, duplicates ${e2e.duplicates}, out of order ${e2e.outOfOrder}` +
        (e2e.cpu
          ? `; CPU per turn: app ${e2e.cpu.appMsPerTurn} ms, machine ${e2e.cpu.machineMsPerTurn} ms (${e2e.cpu.machineBusyPercent} % busy)`
          : ''),
    );
    let w = 0;
    const chat = () => ({
      body: JSON.stringify({
        sessionId: `bench-web-${w % 200}`,
        messageId: `w-${tag}-${w}`,
        text: TEXTS[w++ % TEXTS.length],
      }),
      headers: { 'content-type': 'application/json' },
    });
    // Like the deliveries, spread over the instances (autocannon assigns connections in turn).
    const web = urls('/api/chat');
    sayFor(
      `web chat at ${WEB_RATE} req/s offered, then ${WEB_CONNECTIONS} connections, ${options.duration} s each`,
    );
    const webRate = await paced(web, { rate: WEB_RATE, duration: options.duration }, chat);
    const webConnections = await cannon(
      web,
      { connections: WEB_CONNECTIONS, duration: options.duration },
      chat,
    );
    sayFor(
      `web chat ${webRate.rate} req/s p99 ${webRate.p99} ms; ${webConnections.rate} req/s p99 ${webConnections.p99} ms`,
    );
    return { e2e, webRate, webConnections };
  });

  return {
    label: target.label,
    acks,
    ratioToBare: bare.rate ? round(acks.rate / bare.rate, 3) : NaN,
    fixedRate: { ...fixed, offered: OFFERED_RATE },
    endToEnd: e2e,
    webChatAtRate: { ...webRate, offered: WEB_RATE },
    webChatConnections: webConnections,
    peakRssMB,
    verified,
    verifyOutput,
    appLog,
  };
}

// ---------------------------------------------------------------------------------------------

interface Options {
  duration: number;
  turns: number;
  only: Set<Kind>;
  databaseUrl?: string;
  sqliteDrivers: string[];
  json?: string;
  keep: boolean;
}

function options(argv: string[]): Options {
  const args = parseArgs(
    argv,
    ['only', 'duration', 'turns', 'database-url', 'sqlite-drivers', 'json', 'keep'],
    USAGE,
  );
  const value = (name: string) => {
    const v = args.get(name);
    if (v === 'true') throw new UsageError(`--${name} needs a value\n${USAGE}`);
    return v;
  };
  const duration = Number(value('duration') ?? 10);
  const turns = Number(value('turns') ?? 5000);
  if (!Number.isInteger(duration) || duration < 1 || duration > 600)
    throw new UsageError(`--duration must be whole seconds, 1 to 600\n${USAGE}`);
  if (!Number.isInteger(turns) || turns < 1 || turns > 1_000_000)
    throw new UsageError(`--turns must be an integer, 1 to 1000000\n${USAGE}`);
  const only = new Set((value('only') ?? 'sqlite,postgres,pg2').split(',').map((s) => s.trim()));
  for (const name of only)
    if (!['sqlite', 'postgres', 'pg2'].includes(name))
      throw new UsageError(`--only takes sqlite, postgres, pg2 (got "${name}")\n${USAGE}`);
  const databaseUrl = value('database-url');
  if (databaseUrl && !/^postgres(ql)?:\/\/.+/.test(databaseUrl))
    throw new UsageError(`--database-url must be postgres://...\n${USAGE}`);
  const sqliteDrivers = (value('sqlite-drivers') ?? 'better-sqlite3,sqlite3')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!sqliteDrivers.length || sqliteDrivers.some((d) => !/^[\w-]+$/.test(d)))
    throw new UsageError(`--sqlite-drivers takes driver names\n${USAGE}`);
  return {
    duration,
    turns,
    only: only as Set<Kind>,
    databaseUrl,
    sqliteDrivers,
    json: value('json'),
    keep: args.has('keep'),
  };
}

function table(report: Report): string {
  const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : '–');
  const failed = (f: LoadFigures) => (f.errors + f.non2xx ? ` (${f.errors + f.non2xx} failed)` : '');
  const web = (f: LoadFigures) => `${f.rate}, ${ms(f.p50)} / ${ms(f.p99)}${failed(f)}`;
  const lines = [
    `### bench:load — ${report.date}`,
    '',
    `Machine: ${report.machine.nproc} cores (${report.machine.cpu}), node ${report.machine.node}; ${report.options.duration} s per load run, ${report.options.turns} end-to-end turns.`,
    '',
    `Bare limit (Fastify, same HMAC check, ${CONNECTIONS} connections): ${report.bare.rate} req/s, p50 ${ms(report.bare.p50)}, p99 ${ms(report.bare.p99)}; at ${OFFERED_RATE}/s offered (steady, open loop): p50 ${ms(report.bareAtRate.p50)}, p99 ${ms(report.bareAtRate.p99)}.`,
    '',
    '| database | acks/s (50 conn.) | ack p99 | ratio to bare | 1000/s offered (steady): served | p99 | errors / non-2xx | turns/s end to end | CPU ms per turn: app / machine (busy) | reply p50 / p99 | lost / dup. / out of order | web chat 100/s (steady): req/s, p50 / p99 | web chat 20 conn.: req/s, p50 / p99 | peak RSS | evidence:verify |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of report.results) {
    const e = r.endToEnd;
    lines.push(
      [
        `${r.label}${r.appLog.some((l) => l.crashes.length) ? ' (an app crashed)' : ''}`,
        `${r.acks.rate}${failed(r.acks)}`,
        ms(r.acks.p99),
        r.ratioToBare,
        `${r.fixedRate.ok} of ${r.fixedRate.offered * report.options.duration} (${r.fixedRate.rate}/s)`,
        ms(r.fixedRate.p99),
        `${r.fixedRate.errors} / ${r.fixedRate.non2xx}`,
        e.turnsPerSecond,
        e.cpu ? `${e.cpu.appMsPerTurn} / ${e.cpu.machineMsPerTurn} (${e.cpu.machineBusyPercent} %)` : '–',
        `${ms(e.latency.p50)} / ${ms(e.latency.p99)}`,
        `${e.lost} / ${e.duplicates} / ${e.outOfOrder}`,
        web(r.webChatAtRate),
        web(r.webChatConnections),
        `${r.peakRssMB} MB`,
        r.verified ? 'pass' : 'FAIL',
      ]
        .map((cell) => ` ${cell} `)
        .join('|')
        .replace(/^/, '|')
        .replace(/$/, '|'),
    );
  }
  for (const note of report.notes) lines.push('', `Note: ${note}`);
  return lines.join('\n');
}

interface Report {
  date: string;
  machine: { nproc: number; cpu: string; node: string };
  options: { duration: number; turns: number; only: string[]; sqliteDrivers: string[] };
  bare: LoadFigures;
  bareAtRate: LoadFigures;
  results: TargetResult[];
  notes: string[];
}

async function main(): Promise<number> {
  const opts = options(process.argv.slice(2));
  const notes: string[] = [];
  const targets: Target[] = [];
  if (opts.only.has('sqlite'))
    for (const driver of opts.sqliteDrivers)
      targets.push({ label: `SQLite (${driver})`, kind: 'sqlite', sqliteDriver: driver });
  for (const kind of ['postgres', 'pg2'] as const) {
    if (!opts.only.has(kind)) continue;
    if (!opts.databaseUrl) notes.push(`${kind} skipped: no --database-url given.`);
    else targets.push({ label: kind === 'pg2' ? 'PostgreSQL, 2 instances' : 'PostgreSQL', kind });
  }

  const graph = await startServer(['graph']);
  const bareServer = await startServer(['bare', SECRET]);
  const bench = new Bench(graph.url, opts.databaseUrl, opts.keep);
  try {
    say(`bare limit: ${CONNECTIONS} connections, ${opts.duration} s`);
    const bare = await cannon(
      [`${bareServer.url}/webhooks/messenger`],
      { connections: CONNECTIONS, duration: opts.duration },
      signedDeliveries('bare', 1000),
    );
    // The same steady rate as the app gets: the floor of ack latency on this machine.
    const bareAtRate = await paced(
      [`${bareServer.url}/webhooks/messenger`],
      { rate: OFFERED_RATE, duration: opts.duration },
      signedDeliveries('bare-rate', 1000),
    );
    await stopChild(bareServer.child);
    say(`bare limit: ${bare.rate} req/s, p99 ${bare.p99} ms; at ${OFFERED_RATE}/s: p99 ${bareAtRate.p99} ms`);
    const results: TargetResult[] = [];
    for (const target of targets) results.push(await runTarget(bench, target, opts, bare, graph.url));
    for (const r of results) {
      if (r.endToEnd.unacked)
        notes.push(`${r.label}: ${r.endToEnd.unacked} end-to-end deliveries not acknowledged with 2xx.`);
      const { inbox, outbox } = r.endToEnd.openAtEnd;
      if (inbox || outbox)
        notes.push(
          `${r.label}: the end-to-end wait ended with ${inbox} turns and ${outbox} replies still open.`,
        );
      if (r.endToEnd.stray)
        notes.push(`${r.label}: ${r.endToEnd.stray} Send API messages matched no delivery of the burst.`);
      for (const log of r.appLog) {
        if (log.crashes.length) notes.push(`${r.label}, ${log.phase}: app ${log.crashes.join('; ')}.`);
        if (log.error || log.warn)
          notes.push(
            `${r.label}, ${log.phase}: app log had ${log.error} error and ${log.warn} warn lines: ${log.samples.join('; ')}`,
          );
      }
      if (!r.verified) notes.push(`${r.label}: evidence:verify failed: ${r.verifyOutput.join(' / ')}`);
    }
    const report: Report = {
      date: new Date().toISOString(),
      machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
      options: {
        duration: opts.duration,
        turns: opts.turns,
        only: [...opts.only],
        sqliteDrivers: opts.sqliteDrivers,
      },
      bare,
      bareAtRate,
      results,
      notes,
    };
    process.stdout.write(`${table(report)}\n`);
    if (opts.json) writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
    const sound = (r: TargetResult) =>
      r.verified && !r.endToEnd.lost && !r.endToEnd.duplicates && r.appLog.every((l) => !l.crashes.length);
    return results.every(sound) ? 0 : 1;
  } finally {
    await stopChild(bareServer.child);
    await stopChild(graph.child);
    await bench.cleanUp();
  }
}

if (require.main === module) runCli('bench:load', main);
