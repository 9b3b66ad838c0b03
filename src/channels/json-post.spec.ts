import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JsonPoster, jsonPostFor, outboundProxyFor } from './json-post';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

describe(JsonPoster.name, () => {
  let server: Server;
  let handler: Handler;
  let base: string;
  const sockets = new Set<string>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      sockets.add(`${req.socket.remotePort}`);
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => handler(req, body, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('should POST JSON under the base path with the query and headers, and read a JSON answer of any status', async () => {
    const seen: { url?: string; headers?: IncomingMessage['headers']; body?: string }[] = [];
    handler = (req, body, res) => {
      seen.push({ url: req.url, headers: req.headers, body });
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 100, message: 'Dạ lỗi' } }));
    };
    const poster = new JsonPoster(base, 2000, 2);
    const answer = await poster.post(
      '/me/messages',
      { text: 'Xin chào' },
      { access_token: 'a b&c' },
      { x_token: 't' },
    );
    expect(answer).toEqual({ status: 400, data: { error: { code: 100, message: 'Dạ lỗi' } } });
    expect(seen[0].url).toBe('/v21.0/me/messages?access_token=a+b%26c');
    expect(seen[0].headers).toMatchObject({ 'content-type': 'application/json', x_token: 't' });
    expect(JSON.parse(seen[0].body!)).toEqual({ text: 'Xin chào' });
    poster.close();
  });

  it('should keep one connection for sends one after another', async () => {
    handler = (_req, _body, res) => res.end('{"ok":true}');
    sockets.clear();
    const poster = new JsonPoster(base, 2000, 4);
    for (let i = 0; i < 5; i++)
      await expect(poster.post('x', {})).resolves.toEqual({ status: 200, data: { ok: true } });
    expect(sockets.size).toBe(1);
    poster.close();
  });

  it('should hand back a body that is not JSON as text, and an empty one as undefined', async () => {
    const poster = new JsonPoster(base, 2000, 1);
    handler = (_req, _body, res) => (res.writeHead(502), res.end('<html>Bad gateway</html>'));
    await expect(poster.post('x', {})).resolves.toEqual({ status: 502, data: '<html>Bad gateway</html>' });
    handler = (_req, _body, res) => (res.writeHead(204), res.end());
    await expect(poster.post('x', {})).resolves.toEqual({ status: 204, data: undefined });
    poster.close();
  });

  it('should reject on a timeout, an oversized answer or a refused connection', async () => {
    const poster = new JsonPoster(base, 200, 1);
    handler = () => undefined; // never answers
    await expect(poster.post('x', {})).rejects.toThrow(/timeout of 200 ms/);
    handler = (_req, _body, res) => res.end('x'.repeat(1024 * 1024 + 10));
    await expect(poster.post('x', {})).rejects.toThrow(/answer over/);
    poster.close();
    const closed = new JsonPoster('http://127.0.0.1:1', 500, 1);
    await expect(closed.post('x', {})).rejects.toThrow(/ECONNREFUSED/);
    closed.close();
  });

  it('should refuse a base URL that is not http(s)', () => {
    expect(() => new JsonPoster('ftp://example.vn', 1000, 1)).toThrow(/not an http/);
  });
});

const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'].flatMap((k) => [
  k,
  k.toUpperCase(),
]);

/** Runs `fn` with exactly these proxy variables in process.env (what axios and proxy-from-env read). */
function withProxyEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = PROXY_VARIABLES.map((k) => [k, process.env[k]] as const);
  for (const k of PROXY_VARIABLES) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe(outboundProxyFor.name, () => {
  const graph = 'https://graph.facebook.com/v25.0';
  const proxyFor = (url: string, env: Record<string, string>) =>
    withProxyEnv(env, () => outboundProxyFor(url));
  it('should find the proxy axios would use, and none where NO_PROXY names the host', () => {
    expect(proxyFor(graph, {})).toBeUndefined();
    expect(proxyFor(graph, { HTTPS_PROXY: 'http://proxy.so-y-te.vn:3128' })).toBe(
      'http://proxy.so-y-te.vn:3128',
    );
    expect(proxyFor(graph, { http_proxy: 'http://p:1' })).toBeUndefined();
    expect(proxyFor('http://127.0.0.1:9/x', { http_proxy: 'http://p:1' })).toBe('http://p:1');
    expect(proxyFor(graph, { all_proxy: 'http://p:2' })).toBe('http://p:2');
    expect(proxyFor(graph, { https_proxy: 'http://p:1', NO_PROXY: '*' })).toBeUndefined();
    expect(proxyFor(graph, { https_proxy: 'http://p:1', no_proxy: '.facebook.com' })).toBeUndefined();
    expect(proxyFor(graph, { https_proxy: 'http://p:1', no_proxy: 'facebook.com' })).toBe('http://p:1');
    expect(
      proxyFor(graph, { https_proxy: 'http://p:1', no_proxy: 'graph.facebook.com:443' }),
    ).toBeUndefined();
    expect(proxyFor(graph, { https_proxy: 'http://p:1', no_proxy: 'graph.facebook.com:8443' })).toBe(
      'http://p:1',
    );
  });

  it('should send through axios behind a proxy and through node:http otherwise, with the same answers', async () => {
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    // The "proxy" is the server itself: a proxied request carries the absolute URL. axios reads the
    // proxy from the environment itself, as it did before JsonPoster.
    const { proxied, answer } = await withProxyEnv({ http_proxy: base.replace('/v1', '') }, async () => {
      const client = jsonPostFor(base, 2000, 1);
      return { proxied: client, answer: await client.post('/me', {}, { a: '1' }) };
    });
    const direct = withProxyEnv({}, () => jsonPostFor(base, 2000, 1));
    try {
      expect(proxied).not.toBeInstanceOf(JsonPoster);
      expect(direct).toBeInstanceOf(JsonPoster);
      expect(answer).toEqual({ status: 200, data: { url: `${base}/me?a=1` } });
      await expect(direct.post('/me', {}, { a: '1' })).resolves.toEqual({
        status: 200,
        data: { url: '/v1/me?a=1' },
      });
    } finally {
      proxied.close();
      direct.close();
    }
    await new Promise((resolve) => server.close(resolve));
  });
});
