import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  raw: string;
  body: unknown;
}

export interface ScriptedResponse {
  status?: number;
  body?: unknown;
  /** Never answer (the client times out). */
  hang?: boolean;
  delayMs?: number;
}

type Responder = (request: RecordedRequest) => ScriptedResponse;

/**
 * A real HTTP server on loopback standing in for the Graph API or the Zalo API: it records every
 * request exactly as received and answers from a script (queued responses per route, then a default).
 */
export class PlatformFake {
  readonly requests: RecordedRequest[] = [];
  private readonly queues = new Map<string, ScriptedResponse[]>();
  private readonly targeted: { match: (r: RecordedRequest) => boolean; responses: ScriptedResponse[] }[] = [];
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly fallback: Responder) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next requests to `METHOD /path` get these responses, in order. */
  script(route: string, ...responses: ScriptedResponse[]): void {
    this.queues.set(route, [...(this.queues.get(route) ?? []), ...responses]);
  }

  /** The next requests matching `match` get these responses, in order (other traffic is unaffected). */
  scriptFor(match: (r: RecordedRequest) => boolean, ...responses: ScriptedResponse[]): void {
    this.targeted.push({ match, responses: [...responses] });
  }

  on(route: string): RecordedRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route);
  }

  clear(): void {
    this.requests.length = 0;
    this.queues.clear();
    this.targeted.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown = raw;
    if ((req.headers['content-type'] ?? '').includes('json') && raw) body = JSON.parse(raw);
    else if ((req.headers['content-type'] ?? '').includes('x-www-form-urlencoded'))
      body = Object.fromEntries(new URLSearchParams(raw));
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      raw,
      body,
    };
    this.requests.push(recorded);
    const route = `${recorded.method} ${recorded.path}`;
    const target = this.targeted.find((t) => t.responses.length && t.match(recorded));
    const queued = target ? target.responses.shift() : this.queues.get(route)?.shift();
    const answer = queued ?? this.fallback(recorded);
    if (answer.hang) {
      this.hanging.add(res);
      return;
    }
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body ?? {}));
  }
}

let messageCounter = 0;

/** A fake Graph API: every Send API call succeeds with a new message id unless scripted otherwise. */
export function graphFake(): PlatformFake {
  return new PlatformFake((r) =>
    r.path.endsWith('/messages') && !(r.body as { sender_action?: string }).sender_action
      ? {
          body: {
            recipient_id: (r.body as { recipient: { id: string } }).recipient.id,
            message_id: `m_${++messageCounter}`,
          },
        }
      : { body: { result: 'success', recipient_id: 'x' } },
  );
}

/** A fake Zalo API (messages and OAuth): success envelopes with HTTP 200, as Zalo does. */
export function zaloFake(): PlatformFake {
  return new PlatformFake((r) =>
    r.path === '/v4/oa/access_token'
      ? {
          body: {
            access_token: `NEW_ACCESS_${++messageCounter}`,
            refresh_token: `NEW_REFRESH_${messageCounter}`,
            expires_in: '90000',
          },
        }
      : {
          body: { error: 0, message: 'Success', data: { message_id: `z_${++messageCounter}`, user_id: 'u' } },
        },
  );
}
