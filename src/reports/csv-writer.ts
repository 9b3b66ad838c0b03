import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * RFC 4180 field: quoted when it holds a separator, quote or line break. A field that Excel would
 * read as a formula (= + - @ at the start) gets a leading apostrophe: a citizen's message must never
 * run as a formula on a staff member's computer.
 */
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let s = value;
  const first = s.charCodeAt(0);
  // = + - @ tab CR
  if (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13)
    s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * UTF-8 with a byte-order mark (so Excel shows Vietnamese correctly), CRLF lines. Rows gather into
 * chunks of about 32 KB (one write per chunk rather than per row, and each chunk small enough for
 * V8's young generation); flush() waits for the file when the stream asks for it.
 */
const CHUNK_CHARS = 32 * 1024;

export class CsvWriter {
  private readonly stream: WriteStream;
  private pending = '';
  rows = 0;

  constructor(path: string, header: string[]) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
    this.pending = '\uFEFF' + header.map(csvField).join(',') + '\r\n';
  }

  add(fields: (string | number | null | undefined)[]): void {
    this.rows++;
    this.pending += fields.map(csvField).join(',') + '\r\n';
    if (this.pending.length >= CHUNK_CHARS) this.writePending();
  }

  /** Backpressure: call between pages of rows. */
  async flush(): Promise<void> {
    this.writePending();
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }

  private writePending(): void {
    if (!this.pending) return;
    this.stream.write(this.pending);
    this.pending = '';
  }
}
