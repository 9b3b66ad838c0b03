import type { LoggerService, LogLevel } from '@nestjs/common';
import { currentCorrelationId } from './correlation';
import { scrubLogText } from './scrub';

const ORDER: Record<string, number> = { verbose: 0, debug: 1, log: 2, info: 2, warn: 3, error: 4, fatal: 5 };
// Nest's start-up chatter (one line per module and route) is debug detail, not operations news.
const CHATTY_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * Structured logs: one JSON object per line on stdout, with the correlation id of the delivery in
 * progress. Every string goes through scrubLogText, so a careless caller cannot leak a number.
 */
export class JsonLogger implements LoggerService {
  private minLevel: number;

  constructor(
    level: string = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {
    this.minLevel = ORDER[level] ?? ORDER.info;
  }

  setLogLevels(levels: LogLevel[]): void {
    this.minLevel = Math.min(...levels.map((l) => ORDER[l] ?? ORDER.info));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }

  private emit(level: string, message: unknown, rest: unknown[]): void {
    if ((ORDER[level] ?? 2) < this.minLevel) return;
    // Nest passes (message, context) or (message, stack, context).
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    if (level === 'info' && context && CHATTY_CONTEXTS.has(context) && this.minLevel > ORDER.debug) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level };
    if (context) entry.context = context;
    const correlationId = currentCorrelationId();
    if (correlationId) entry.correlationId = correlationId;
    if (message instanceof Error) {
      entry.msg = scrubLogText(message.message);
      entry.stack = scrubLogText(message.stack ?? '');
    } else if (typeof message === 'object' && message !== null) {
      for (const [k, v] of Object.entries(message)) entry[k] = typeof v === 'string' ? scrubLogText(v) : v;
    } else {
      entry.msg = scrubLogText(String(message));
    }
    for (const extra of args) {
      if (typeof extra === 'string' && extra) entry.stack = scrubLogText(extra);
      else if (extra instanceof Error) entry.stack = scrubLogText(extra.stack ?? extra.message);
    }
    this.write(JSON.stringify(entry));
  }
}
