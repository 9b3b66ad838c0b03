import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { actedIntent, loadEngine } from './engine-loader';

/**
 * Contract: JSON lines {"text"} on stdin → one JSON line per input, in order, on stdout:
 * {"text","intent","topic","confidence","language"}. The intent is what the bot acts on
 * (a clarifying question counts as "fallback", topic "clarify"). Nothing else goes to stdout.
 */
async function main(): Promise<void> {
  const engine = loadEngine();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let text: string;
    try {
      const parsed = JSON.parse(line) as { text?: unknown };
      if (typeof parsed.text !== 'string') throw new Error('"text" must be a string');
      text = parsed.text;
    } catch (error) {
      process.stderr.write(`skipping a line that is not {"text": string}: ${(error as Error).message}\n`);
      process.stdout.write(
        JSON.stringify({ text: null, intent: 'fallback', topic: 'invalid', confidence: 0, language: 'vi' }) +
          '\n',
      );
      continue;
    }
    const u = engine.understand(text);
    process.stdout.write(
      JSON.stringify({
        text,
        intent: actedIntent(u),
        topic: u.topic ?? null,
        confidence: Math.round(Math.min(1, Math.max(0, u.confidence)) * 10000) / 10000,
        language: u.language,
      }) + '\n',
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`nlu:classify failed: ${(error as Error).message}\n`);
  process.exit(1);
});
