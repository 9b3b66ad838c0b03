import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { messengerSignatureValid } from '../channels/signature';

/**
 * The loopback servers of `bench:load`, each run as its own process so that they do not share the
 * load generator's CPU. usage: node bench-load-servers.js bare SECRET | graph
 * Prints one line {"port":N} once listening; exits when its parent goes away (stdin closes).
 */

/** The floor any webhook can reach here: Fastify, the raw body, the same HMAC check, JSON parse, 200. */
async function bare(secret: string): Promise<number> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/webhooks/messenger', async (request, reply) => {
    const raw = request.body as Buffer;
    const header = request.headers['x-hub-signature-256'];
    if (!messengerSignatureValid(raw, typeof header === 'string' ? header : undefined, secret)) {
      return reply.status(403).send({ message: 'invalid signature' });
    }
    JSON.parse(raw.toString('utf8'));
    return reply.status(200).type('text/plain').send('EVENT_RECEIVED');
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

/** What arrived at the fake Send API: one row per request, in arrival order. */
interface SendRecord {
  /** Arrival time, epoch ms. */
  t: number;
  recipient: string;
  /** Our outbox tag (message.metadata) when the request carried a message; absent for sender actions. */
  metadata?: string;
  /** Digest of the message: one outbox row may be sent as several parts under the same tag. */
  part?: string;
}

/**
 * A Graph API stand-in: answers every Send API call as Meta does and records what arrived.
 * GET /__bench/sends?from=K returns the records from index K; POST /__bench/reset forgets them.
 */
async function graph(): Promise<number> {
  let records: SendRecord[] = [];
  let counter = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/__bench/sends') {
        const from = Number(url.searchParams.get('from') ?? 0);
        return json(200, { total: records.length, records: records.slice(from) });
      }
      if (url.pathname === '/__bench/reset') {
        records = [];
        return json(200, { ok: true });
      }
      if (req.method !== 'POST' || !url.pathname.endsWith('/me/messages')) {
        return json(404, { error: { message: 'unknown path', type: 'OAuthException', code: 803 } });
      }
      let body: { recipient?: { id?: string }; message?: { metadata?: string } };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        return json(400, { error: { message: 'invalid JSON', type: 'OAuthException', code: 100 } });
      }
      const recipient = body.recipient?.id ?? '';
      const part = body.message
        ? createHash('sha1').update(JSON.stringify(body.message)).digest('hex').slice(0, 12)
        : undefined;
      records.push({ t: Date.now(), recipient, metadata: body.message?.metadata, part });
      json(200, { recipient_id: recipient, message_id: `m_bench_${++counter}` });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function main(): Promise<void> {
  const [mode, secret] = process.argv.slice(2);
  let port: number;
  if (mode === 'bare' && secret) port = await bare(secret);
  else if (mode === 'graph') port = await graph();
  else throw new Error('usage: bench-load-servers.js bare SECRET | graph');
  // The parent holds our stdin: when it dies, however it dies, we go too (no orphans).
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench-load-servers: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
