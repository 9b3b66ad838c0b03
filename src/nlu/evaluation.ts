export interface Scored {
  text: string;
  gold: string;
  slice: string;
  predicted: string;
}

export interface Report {
  n: number;
  accuracy: number;
  slices: { slice: string; n: number; accuracy: number }[];
  intents: { intent: string; n: number; accuracy: number }[];
  fallback: { precision: number; recall: number; predicted: number; actual: number };
  emergencyRecall: { hit: number; n: number };
  /** Messages not labelled emergency that got the emergency reply (115 for nothing). */
  falseEmergencies: { hit: number; n: number };
  confusion: { labels: string[]; rows: number[][] };
  errors: Scored[];
}

const ratio = (a: number, b: number) => (b ? a / b : 0);

/** The scores of shared/eval/README.md: overall, per slice, fallback as the positive class, emergency recall. */
export function score(items: Scored[]): Report {
  const group = (key: (s: Scored) => string) => {
    const map = new Map<string, { n: number; ok: number }>();
    for (const s of items) {
      const g = map.get(key(s)) ?? { n: 0, ok: 0 };
      g.n++;
      if (s.gold === s.predicted) g.ok++;
      map.set(key(s), g);
    }
    return [...map].sort(([a], [b]) => a.localeCompare(b));
  };
  const predictedFallback = items.filter((s) => s.predicted === 'fallback');
  const actualFallback = items.filter((s) => s.gold === 'fallback');
  const emergencies = items.filter((s) => s.gold === 'emergency');
  const labels = [...new Set(items.flatMap((s) => [s.gold, s.predicted]))].sort();
  const rows = labels.map((gold) =>
    labels.map((p) => items.filter((s) => s.gold === gold && s.predicted === p).length),
  );
  return {
    n: items.length,
    accuracy: ratio(items.filter((s) => s.gold === s.predicted).length, items.length),
    slices: group((s) => s.slice).map(([slice, g]) => ({ slice, n: g.n, accuracy: ratio(g.ok, g.n) })),
    intents: group((s) => s.gold).map(([intent, g]) => ({ intent, n: g.n, accuracy: ratio(g.ok, g.n) })),
    fallback: {
      precision: ratio(
        predictedFallback.filter((s) => s.gold === 'fallback').length,
        predictedFallback.length,
      ),
      recall: ratio(actualFallback.filter((s) => s.predicted === 'fallback').length, actualFallback.length),
      predicted: predictedFallback.length,
      actual: actualFallback.length,
    },
    emergencyRecall: {
      hit: emergencies.filter((s) => s.predicted === 'emergency').length,
      n: emergencies.length,
    },
    falseEmergencies: {
      hit: items.filter((s) => s.gold !== 'emergency' && s.predicted === 'emergency').length,
      n: items.length - emergencies.length,
    },
    confusion: { labels, rows },
    errors: items.filter((s) => s.gold !== s.predicted),
  };
}

const pct = (x: number) => (x * 100).toFixed(1).padStart(5) + ' %';

export function formatReport(report: Report, title: string): string {
  const lines: string[] = [title, ''];
  lines.push(`accuracy            ${pct(report.accuracy)}  (n = ${report.n})`);
  lines.push('');
  lines.push('per slice');
  for (const s of report.slices) lines.push(`  ${s.slice.padEnd(16)} ${pct(s.accuracy)}  (n = ${s.n})`);
  lines.push('');
  lines.push(
    `fallback precision  ${pct(report.fallback.precision)}  (${report.fallback.predicted} predicted fallback)`,
  );
  lines.push(
    `fallback recall     ${pct(report.fallback.recall)}  (${report.fallback.actual} labelled fallback)`,
  );
  lines.push(`emergency recall    ${report.emergencyRecall.hit} / ${report.emergencyRecall.n}`);
  lines.push(
    `false emergencies   ${report.falseEmergencies.hit} / ${report.falseEmergencies.n} (${pct(ratio(report.falseEmergencies.hit, report.falseEmergencies.n)).trim()})`,
  );
  lines.push('');
  lines.push('per intent');
  for (const i of report.intents) lines.push(`  ${i.intent.padEnd(18)} ${pct(i.accuracy)}  (n = ${i.n})`);
  lines.push('');
  lines.push('confusion matrix (rows: label, columns: prediction)');
  const short = report.confusion.labels.map((l) => l.slice(0, 6));
  lines.push('  ' + ''.padEnd(18) + short.map((s) => s.padStart(7)).join(''));
  report.confusion.labels.forEach((label, i) => {
    lines.push(
      '  ' + label.padEnd(18) + report.confusion.rows[i].map((v) => String(v || '.').padStart(7)).join(''),
    );
  });
  return lines.join('\n');
}
