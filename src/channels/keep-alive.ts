import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * Connections to a platform API are kept open between sends (a TLS handshake per reply would cost
 * more than the reply), at most `sockets` of them, which is also the channel's send concurrency.
 */
export function keepAliveAgents(sockets: number): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const options = {
    keepAlive: true,
    maxSockets: sockets,
    maxFreeSockets: sockets,
    scheduling: 'lifo' as const,
  };
  return { httpAgent: new HttpAgent(options), httpsAgent: new HttpsAgent(options) };
}
