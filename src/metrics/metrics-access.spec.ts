import { decideMetricsAccess, isLoopback, type MetricsSetting } from './metrics-access';

const TOKEN = 'scrape-token-0123456789';
const on: MetricsSetting = { enabled: true };
const withToken: MetricsSetting = { enabled: true, token: TOKEN };

describe('#isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false],
    ['::ffff:10.0.0.5', false],
    ['192.168.1.127', false],
    ['fe80::1', false],
    ['', false],
    [undefined, false],
  ])('should tell whether %p is loopback (%p)', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});

describe('#decideMetricsAccess', () => {
  it.each([
    ['disabled', { enabled: false }, '127.0.0.1', {}, 404],
    [
      'disabled, even with the token',
      { enabled: false, token: TOKEN },
      '127.0.0.1',
      { authorization: `Bearer ${TOKEN}` },
      404,
    ],
    ['loopback by default', on, '127.0.0.1', {}, 200],
    ['IPv6 loopback by default', on, '::1', {}, 200],
    ['another address by default', on, '203.0.113.9', {}, 403],
    [
      'another address claiming loopback in X-Forwarded-For',
      on,
      '203.0.113.9',
      { 'x-forwarded-for': '127.0.0.1' },
      403,
    ],
    ['a local proxy forwarding a client', on, '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }, 403],
    ['a local proxy with X-Real-IP', on, '127.0.0.1', { 'x-real-ip': '203.0.113.9' }, 403],
    ['a local proxy with Forwarded', on, '127.0.0.1', { forwarded: 'for=203.0.113.9' }, 403],
    ['the token from anywhere', withToken, '203.0.113.9', { authorization: `Bearer ${TOKEN}` }, 200],
    [
      'the token through a proxy',
      withToken,
      '127.0.0.1',
      { authorization: `bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.9' },
      200,
    ],
    ['no token when one is set, even on loopback', withToken, '127.0.0.1', {}, 401],
    ['a wrong token', withToken, '127.0.0.1', { authorization: 'Bearer wrong-token' }, 401],
    ['the token as a prefix', withToken, '127.0.0.1', { authorization: `Bearer ${TOKEN}x` }, 401],
    ['the token in another scheme', withToken, '127.0.0.1', { authorization: `Basic ${TOKEN}` }, 401],
  ] as const)('should decide access for %s', (_case, setting, remoteAddress, headers, status) => {
    const decision = decideMetricsAccess(setting, { remoteAddress, headers });
    expect(decision.allowed ? 200 : decision.status).toBe(status);
  });
});
