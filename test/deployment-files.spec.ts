import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fromRoot } from '../src/common/project-root';

const read = (file: string) => readFileSync(fromRoot(file), 'utf8');
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** Every literal path under src/ that the running service reads from the project root. */
function runtimeSourceFiles(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(fromRoot(dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name) && !path.startsWith('src/cli'))
        for (const match of read(path).matchAll(/['"`](src\/[\w./-]+)['"`]/g)) found.add(match[1]);
    }
  };
  walk('src');
  return [...found];
}

describe('Dockerfile', () => {
  const steps = instructions(read('Dockerfile'));
  const froms = steps.map((s, i) => ({ ...s, i })).filter((s) => s.op === 'FROM');
  const runtime = steps.slice(froms.at(-1)!.i);
  const build = steps.slice(froms[0].i, froms.at(-1)!.i);

  it('should build in one stage on node:20-bookworm-slim and run from another', () => {
    expect(froms.map((f) => f.args)).toEqual(['node:20-bookworm-slim AS build', 'node:20-bookworm-slim']);
  });

  it('should compile the native modules from source with the build tools, then drop the dev dependencies', () => {
    const text = build.map((s) => `${s.op} ${s.args}`).join('\n');
    expect(text).toMatch(/apt-get install .*python3 make g\+\+/);
    expect(text).toMatch(/ENV .*npm_config_build_from_source=true/);
    const order = ['npm ci', 'npm run build', 'npm prune --omit=dev'].map((cmd) => text.indexOf(cmd));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('should run as a non-root user with /data as a volume, port 3000 and a node health check', () => {
    const users = runtime.filter((s) => s.op === 'USER').map((s) => s.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.find((s) => s.op === 'ENV')?.args).toMatch(/DATA_DIR=\/data/);
    expect(runtime.find((s) => s.op === 'VOLUME')?.args).toContain('/data');
    expect(runtime.find((s) => s.op === 'EXPOSE')?.args).toBe('3000');
    const health = runtime.find((s) => s.op === 'HEALTHCHECK')?.args ?? '';
    expect(health).toMatch(/CMD \["node", "-e", .*\/health/);
    expect(health).not.toMatch(/curl|wget/);
    expect(runtime.at(-1)).toEqual({ op: 'CMD', args: '["node", "dist/src/main.js"]' });
  });

  it('should copy into the runtime stage everything the service reads, and only things that exist', () => {
    const copied = runtime
      .filter((s) => s.op === 'COPY')
      .map((s) => /--from=build \/app\/(\S+)/.exec(s.args)?.[1] ?? '');
    for (const needed of ['dist', 'node_modules', 'intents', 'locales', 'units.yaml', 'package.json'])
      expect(copied).toContain(needed);
    for (const path of copied.filter((p) => p !== 'dist' && p !== 'node_modules'))
      expect([path, existsSync(fromRoot(path))]).toEqual([path, true]);
    const missing = runtimeSourceFiles().filter(
      (file) => !copied.some((dir) => file === dir || file.startsWith(`${dir}/`)),
    );
    expect(missing).toEqual([]);
  });

  it('should keep the local install and secrets out of the build context, but not what the build needs', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const name of ['node_modules', 'dist', 'data', '.env', '.git']) expect(ignored).toContain(name);
    for (const needed of ['package-lock.json', 'src', 'intents', 'locales', 'units.yaml'])
      expect(ignored).not.toContain(needed);
  });

  const dockerReady = has('docker') && spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
  (dockerReady ? describe : describe.skip)('where a Docker daemon answers', () => {
    it('should build, start and turn healthy', () => {
      const tag = `outreach-bot:test-${process.pid}`;
      const built = spawnSync('docker', ['build', '-t', tag, fromRoot()], {
        encoding: 'utf8',
        timeout: 1_200_000,
      });
      expect(built.status).toBe(0);
      const run = spawnSync(
        'docker',
        [
          'run',
          '-d',
          '-e',
          `USER_KEY_SECRET=${'k'.repeat(40)}`,
          '-e',
          `SESSION_SECRET=${'s'.repeat(40)}`,
          tag,
        ],
        { encoding: 'utf8' },
      );
      expect(run.status).toBe(0);
      const id = run.stdout.trim();
      try {
        let state = '';
        for (let i = 0; i < 60 && state !== 'healthy'; i++) {
          spawnSync('sleep', ['3']);
          state = spawnSync('docker', ['inspect', '-f', '{{.State.Health.Status}}', id], {
            encoding: 'utf8',
          }).stdout.trim();
        }
        expect(state).toBe('healthy');
        expect(spawnSync('docker', ['exec', id, 'id', '-u'], { encoding: 'utf8' }).stdout.trim()).not.toBe(
          '0',
        );
      } finally {
        spawnSync('docker', ['rm', '-f', id]);
        spawnSync('docker', ['rmi', tag]);
      }
    });
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  const bot = compose.services.bot;
  const postgres = compose.services.postgres;

  it('should run the bot on postgres:15 once pg_isready says so', () => {
    expect(postgres.image).toBe('postgres:15');
    expect((postgres.healthcheck as { test: string[] }).test.join(' ')).toMatch(/pg_isready/);
    expect(bot.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    const env = bot.environment as Record<string, string>;
    expect(env.DATABASE_URL).toMatch(
      /^postgres:\/\/outreach:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/outreach$/,
    );
    expect(env.DATA_DIR).toBe('/data');
    expect([bot.env_file].flat()).toContain('.env');
    expect(bot.build).toBe('.');
  });

  it('should keep each service’s data in a named volume of its own', () => {
    expect(bot.volumes).toEqual(['bot-data:/data']);
    expect(postgres.volumes).toEqual(['pg-data:/var/lib/postgresql/data']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['bot-data', 'pg-data']);
  });

  it('should say how to use SQLite instead', () => {
    expect(read('docker-compose.yml')).toMatch(/# SQLite instead/);
  });
});

describe('deploy/outreach-bot.service', () => {
  const text = read('deploy/outreach-bot.service');
  const keys = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^(\w+)=(.*)$/.exec(line.trim());
    if (match) keys.set(match[1], [...(keys.get(match[1]) ?? []), match[2]]);
  }
  const one = (key: string) => keys.get(key)?.at(-1);

  it('should run the built entry under a dedicated user, restarted on failure', () => {
    expect(one('ExecStart')).toBe('/usr/bin/node dist/src/main.js');
    expect(one('User')).toBe('outreach');
    expect(one('WorkingDirectory')).toBe('/opt/outreach-bot');
    expect(one('EnvironmentFile')).toBe('/etc/outreach-bot/env');
    expect(one('Restart')).toBe('on-failure');
  });

  it('should be hardened, with the data folder its only writable place besides the backups', () => {
    expect(one('NoNewPrivileges')).toBe('true');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('PrivateTmp')).toBe('true');
    const dataDir = keys
      .get('Environment')!
      .find((e) => e.startsWith('DATA_DIR='))!
      .slice('DATA_DIR='.length);
    expect(one('ReadWritePaths')!.split(/\s+/)).toEqual([dataDir, '-/var/backups/outreach-bot']);
  });

  (has('systemd-analyze') ? describe : describe.skip)('with systemd-analyze', () => {
    it('should pass systemd-analyze verify without a warning', () => {
      const result = spawnSync('systemd-analyze', ['verify', fromRoot('deploy/outreach-bot.service')], {
        encoding: 'utf8',
      });
      // Unknown keys and bad values are only warnings (exit 0): any line about the unit is a failure.
      expect(result.stderr.split('\n').filter((line) => line.includes('outreach-bot.service'))).toEqual([]);
      expect(result.status).toBe(0);
    });
  });
});

describe('deploy/nginx-outreach-bot.conf', () => {
  const text = read('deploy/nginx-outreach-bot.conf');

  it('should terminate TLS with certbot’s certificates and redirect plain HTTP', () => {
    expect(text).toMatch(/ssl_certificate \/etc\/letsencrypt\/live\/[\w.-]+\/fullchain\.pem;/);
    expect(text).toMatch(/ssl_certificate_key \/etc\/letsencrypt\/live\/[\w.-]+\/privkey\.pem;/);
    expect(text).toMatch(/return 301 https:\/\/\$host\$request_uri;/);
  });

  it('should pass the client’s address and scheme to the bot on loopback, which trusts 127.0.0.1', () => {
    expect(text).toMatch(/proxy_pass http:\/\/127\.0\.0\.1:3000;/);
    expect(text).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
    expect(text).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
    expect(text).toMatch(/proxy_set_header Host \$host;/);
    expect(text).toContain('TRUST_PROXY=127.0.0.1');
  });
});
