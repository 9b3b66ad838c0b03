import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../common/project-root';
import { actedIntent } from './cli/engine-loader';
import { score } from './evaluation';
import { NluEngine, type CalibrationRow } from './nlu-engine';
import { CALIBRATION_FILE } from './nlu.service';
import { loadExamples, loadJsonLines } from './training-data';

let engine: NluEngine;

beforeAll(() => {
  engine = NluEngine.loadOrTrain(
    loadExamples(),
    loadJsonLines<CalibrationRow>(fromRoot(CALIBRATION_FILE)),
    join(tmpdir(), 'outreach-test-nlu-cache'),
  );
});

describe('language detection', () => {
  it.each([
    ['quên mật khẩu vneid', 'vi'],
    ['quen mat khau vneid', 'vi'],
    ['ko vao dc vneid', 'vi'],
    ['the bhyt het han lam lai o dau', 'vi'],
    ['dia chi benh vien', 'vi'],
    ['cam on', 'vi'],
    ['where can I pay the hospital fee online', 'en'],
    ['thank you', 'en'],
    ['opening hours', 'en'],
    ['app VNeID bị lỗi không vào được', 'vi'],
    ['My VNeID app says lỗi xác thực, what do I do?', 'en'],
  ])('%s → %s', (text, language) => {
    expect(engine.understand(text).language).toBe(language);
  });

  it('should keep the conversation language for messages that belong to no language', () => {
    for (const text of ['ok', 'VNeID', '115', '👍', 'PA-2026-000123']) {
      expect(engine.understand(text, { language: 'en' }).language).toBe('en');
      expect(engine.understand(text, { language: 'vi' }).language).toBe('vi');
    }
  });

  it('should switch when the user clearly writes in the other language', () => {
    expect(engine.understand('how do I renew my insurance card', { language: 'vi' }).language).toBe('en');
    expect(engine.understand('làm lại thẻ bảo hiểm ở đâu', { language: 'en' }).language).toBe('vi');
  });
});

describe('emergency safety net', () => {
  it.each([
    'Ông tôi méo miệng, nói ngọng',
    'ba toi bi dot quy',
    'con e ko thở dc',
    'bé bị hóc kẹo tím tái',
    'my son is not breathing',
    'she collapsed and is unconscious',
    'he has crushing chest pain',
    'cấp cứu',
    'ran can chan sung to',
    'uống thuốc trừ sâu',
  ])('%s', (text) => {
    const u = engine.understand(text);
    expect(u.emergency).toBe(true);
    expect(u.intent).toBe('emergency');
  });

  it.each([
    'Khoa cấp cứu ở cổng nào?',
    'chờ em xíu nhé',
    'bản sao điện tử từ bản chính',
    'nồi kho cá',
    'bệnh viện chuyên đa khoa',
  ])('should not fire on everyday phrases: %s', (text) => {
    expect(engine.understand(text).emergency).toBe(false);
  });
});

describe('understanding', () => {
  it('should answer, clarify or fall back with a ranking', () => {
    const u = engine.understand('quên mật khẩu vneid');
    expect(u).toMatchObject({ intent: 'vneid', topic: 'forgot_password', decision: 'answer' });
    expect(u.ranking.length).toBeGreaterThanOrEqual(3);
    expect(u.ranking[0].score).toBeGreaterThanOrEqual(u.ranking[1].score);
    const medical = engine.understand('bé ho nhẹ 2 ngày uống siro gì');
    expect(medical).toMatchObject({ intent: 'fallback', topic: 'medical_advice' });
  });

  it('should keep a short follow-up inside the previous topic', () => {
    const u = engine.understand('còn sinh viên thì sao?', {
      previousIntent: 'health_insurance',
      previousTopic: 'household',
    });
    expect(u).toMatchObject({ intent: 'health_insurance', topic: 'student', decision: 'answer' });
  });

  it('should never throw on hostile input', () => {
    for (const text of ['', '   ', '🙂🙂🙂', '\uD800\uDFFF\uD800', 'a'.repeat(10000), '0905123456']) {
      const u = engine.understand(text);
      expect(u.confidence).toBeGreaterThanOrEqual(0);
      expect(u.confidence).toBeLessThanOrEqual(1);
    }
    expect(engine.understand('').intent).toBe('fallback');
  });

  it('should recognise entities along the way', () => {
    expect(engine.understand('tra cứu pa-2026-000123').entities[0]).toMatchObject({
      type: 'ticket_code',
      normalized: 'PA-2026-000123',
    });
  });
});

describe('regression floor on the frozen held-out sample', () => {
  it('should stay above the floor (held-out: never trained on, out-of-scope topics disjoint from training)', () => {
    const rows = loadJsonLines<{ text: string; intent: string; slice: string }>(
      fromRoot('src/nlu/data/heldout/test.jsonl'),
    );
    const report = score(
      rows.map((r) => ({
        text: r.text,
        gold: r.intent,
        slice: r.slice,
        predicted: actedIntent(engine.understand(r.text)),
      })),
    );
    expect(report.n).toBeGreaterThanOrEqual(120);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.93);
    expect(report.fallback.recall).toBeGreaterThanOrEqual(0.85);
    expect(report.fallback.precision).toBeGreaterThanOrEqual(0.85);
    expect(report.emergencyRecall.hit).toBe(report.emergencyRecall.n);
    for (const slice of report.slices) expect(slice.accuracy).toBeGreaterThanOrEqual(0.88);
  });

  it('should not share any sentence with the training examples', () => {
    const key = (t: string) => engine.normalizer.normalize(t).stripped.join(' ');
    const trained = new Set(loadExamples().map((e) => key(e.text)));
    const heldout = [
      ...loadJsonLines<{ text: string }>(fromRoot('src/nlu/data/heldout/test.jsonl')),
      ...loadJsonLines<{ text: string }>(fromRoot(CALIBRATION_FILE)),
    ];
    expect(heldout.filter((h) => trained.has(key(h.text))).map((h) => h.text)).toEqual([]);
  });
});
