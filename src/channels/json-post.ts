import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { getProxyForUrl } from 'proxy-from-env';

export interface JsonAnswer {
  status: number;
  /** The body parsed as JSON; the raw text when it is not JSON; undefined when empty. */
  data: unknown;
}

export class JsonPostError extends Error {
  override readonly name = 'JsonPostError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** What the send path needs of an HTTP client. */
export interface JsonPost {
  post(
    path: string,
    body: unknown,
    query?: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<JsonAnswer>;
  close(): void;
}

/**
 * The send path's client for one platform API: JsonPoster, or axios where an outbound proxy
 * (HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, minus NO_PROXY) applies to the API's host, since axios
 * honours those variables and node:http does not.
 */
export function jsonPostFor(baseUrl: string, timeoutMs: number, sockets: number): JsonPost {
  return outboundProxyFor(baseUrl)
    ? new AxiosJsonPost(baseUrl, timeoutMs, sockets)
    : new JsonPoster(baseUrl, timeoutMs, sockets);
}

/** The proxy axios would use for `url`: it asks proxy-from-env, and so do we. */
export function outboundProxyFor(url: string): string | undefined {
  return getProxyForUrl(url) || undefined;
}

/** axios with the same kept-alive connections, behind an outbound proxy. */
class AxiosJsonPost implements JsonPost {
  private readonly http: AxiosInstance;
  private readonly agents: { httpAgent: HttpAgent; httpsAgent: HttpsAgent };

  constructor(baseUrl: string, timeoutMs: number, sockets: number) {
    const options = keepAliveOptions(sockets);
    this.agents = { httpAgent: new HttpAgent(options), httpsAgent: new HttpsAgent(options) };
    this.http = axios.create({
      baseURL: baseUrl,
      timeout: timeoutMs,
      validateStatus: () => true,
      ...this.agents,
    });
  }

  async post(
    path: string,
    body: unknown,
    query?: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<JsonAnswer> {
    const res = await this.http.post(path, body, {
      params: query,
      headers: { ...headers, 'content-type': 'application/json' },
    });
    return { status: res.status, data: res.data === '' ? undefined : (res.data as unknown) };
  }

  close(): void {
    this.agents.httpAgent.destroy();
    this.agents.httpsAgent.destroy();
  }
}

/**
 * Connections stay open between sends (a TLS handshake per reply would cost more than the reply),
 * at most `sockets` of them, which is also the channel's send concurrency.
 */
function keepAliveOptions(sockets: number) {
  return { keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, scheduling: 'lifo' as const };
}

/** A platform answer larger than this is not a Send API answer: stop reading, fail the send. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * POSTs JSON to one platform API over kept-alive connections and reads a JSON answer, whatever its
 * status. Only the send path uses it: axios cost about 250 µs of CPU per call here (config merging,
 * header objects, the redirect wrapper, the proxy lookup), a third of a turn's CPU at two or three
 * replies per turn (README, Load). Any status is an answer; a network failure, a timeout or an
 * oversized answer rejects. Everything else that talks to the platforms (OAuth, channels:check) keeps
 * axios, and so does the send path behind an outbound proxy (jsonPostFor).
 */
export class JsonPoster implements JsonPost {
  private readonly base: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly request: typeof httpRequest;

  constructor(
    baseUrl: string,
    private readonly timeoutMs: number,
    sockets: number,
  ) {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    const https = this.base.protocol === 'https:';
    if (!https && this.base.protocol !== 'http:') throw new Error(`not an http(s) URL: ${baseUrl}`);
    const options = keepAliveOptions(sockets);
    this.agent = https ? new HttpsAgent(options) : new HttpAgent(options);
    this.request = https ? httpsRequest : httpRequest;
  }

  /** `path` is relative to the base URL's path (a leading slash is ignored, as axios's baseURL does). */
  post(
    path: string,
    body: unknown,
    query?: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<JsonAnswer> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    if (query) for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    return new Promise<JsonAnswer>((resolve, reject) => {
      const req = this.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...headers,
            'content-type': 'application/json',
            'content-length': payload.length,
          },
        },
        (res) => void read(res).then(resolve, reject),
      );
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new JsonPostError(`timeout of ${this.timeoutMs} ms exceeded`, 'ETIMEDOUT')),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function read(res: IncomingMessage): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        res.destroy(new JsonPostError(`answer over ${MAX_ANSWER_BYTES} bytes`, 'ETOOBIG'));
        return;
      }
      chunks.push(chunk);
    });
    res.on('error', reject);
    res.on('aborted', () => reject(new JsonPostError('answer cut off', 'ECONNRESET')));
    res.on('end', () => {
      const text = Buffer.concat(chunks, size).toString('utf8');
      let data: unknown = text || undefined;
      if (text) {
        try {
          data = JSON.parse(text);
        } catch {
          // Not JSON (a proxy's HTML error page, say): the caller classifies it by status.
        }
      }
      resolve({ status: res.statusCode ?? 0, data });
    });
  });
}
