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

  it.each([
    ['thanks ad', 'vi'],
    ['thank you', 'vi'],
    ['ok thanks', 'vi'],
    ['<b>hi</b>', 'vi'],
    ['BHYT', 'en'],
    ['BHYT?', 'en'],
    ['cảm ơn', 'en'],
    ['ok cảm ơn ad', 'en'],
    ['VNeID OTP', 'vi'],
    ['https://dichvucong.gov.vn', 'en'],
    ['PA-2026-000123', 'en'],
  ])('should not switch a settled conversation on "%s" (settled %s)', (text, settled) => {
    expect(engine.understand(text, { language: settled as 'vi' | 'en' }).language).toBe(settled);
  });

  it('should read markup as the words it wraps', () => {
    expect(engine.normalizer.normalize('<b>quên</b> mật&nbsp;khẩu <i>vneid</i>').tokens).toEqual([
      'quên',
      'mật',
      'khẩu',
      'vneid',
    ]);
  });

  it('should use the hint only when the message shows no language', () => {
    expect(engine.understand('BHYT', { languageHint: 'en' }).language).toBe('en');
    expect(engine.understand('thẻ BHYT mất rồi', { languageHint: 'en' }).language).toBe('vi');
    expect(engine.understand('BHYT').languageSure).toBe(false);
    expect(engine.understand('thank you').languageSure).toBe(true);
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
    'té nằm đó kêu hổng trả lời',
    'chau an keo bi mac nghen mat tim tai lam sao day',
    'ông tôi tự nhiên nói đớ, miệng xệ một bên',
    'thằng nhỏ bị đuối nước vớt lên rồi',
    'bé bị phỏng nước sôi',
    'cả nhà ăn nấm lạ giờ nôn ói',
    'my dad won’t wake up',
    'hôm qua ba tôi bị đột quỵ, giờ vẫn nói ngọng',
    'I need an ambulance',
    'a snake bit my daughter',
    'my grandmother collapsed and isn’t responding',
    'ông tôi ngã xong nằm im hổng dậy',
    'cả nhà ăn nấm lạ xong ói mửa liên tục',
    'anh ấy tự dưng tức ngực, tê tay trái',
    'bà đang ngồi thì gục xuống, lay không nhúc nhích',
  ])('should hear danger in Central speech, unaccented and English: %s', (text) => {
    expect(engine.understand(text)).toMatchObject({ emergency: true, intent: 'emergency' });
  });

  it.each([
    'Khoa cấp cứu ở cổng nào?',
    'chờ em xíu nhé',
    'bản sao điện tử từ bản chính',
    'nồi kho cá',
    'bệnh viện chuyên đa khoa',
    'mẹ tôi 70 tuổi',
    'and my wife',
    'my mother',
    'người già',
    'gọi tổng đài không ai trả lời',
    'my email is someone@example.com',
    'tuần trước cháu bị phỏng nhẹ, giờ đỡ rồi, có cần kiêng gì không',
    'xin số điện thoại gọi xe cấp cứu để lưu lại',
    'she had a stroke last year and has recovered, can we book a check-up',
    'tháng trước xe cấp cứu tới trễ quá',
    'bệnh viện có lớp dạy sơ cứu đuối nước không',
    'last month my dad collapsed and the ambulance was slow, where do I complain',
    'dạo này hay tức ngực thì khám khoa nào',
    'sau mổ có được ăn nấm không',
  ])('should not answer 115 to everyday phrases: %s', (text) => {
    const u = engine.understand(text);
    expect(u.emergency).toBe(false);
    expect(actedIntent(u)).not.toBe('emergency');
  });
});

describe('follow-ups (the context-aware second pass)', () => {
  const after = (intent: string, topic: string) => ({ previousIntent: intent, previousTopic: topic });

  it.each([
    ['and for my child?', 'health_insurance', 'lost_card'],
    ['and my baby?', 'health_insurance', 'lost_card'],
    ['for a child?', 'health_insurance', 'household'],
    ['còn con tôi thì sao?', 'health_insurance', 'household'],
    ['thế còn người già?', 'health_insurance', 'household'],
    ['vậy … thì sao ạ', 'public_services', 'submit'],
    ['hộ gia đình', 'health_insurance', 'household'],
    ['bao nhiêu tiền', 'public_services', 'certified_copy'],
    ['ở đâu vậy', 'unit_info', 'hours'],
    ['what about on Sundays?', 'unit_info', 'hours'],
  ])('"%s" after %s:%s stays in that intent', (text, intent, topic) => {
    const u = engine.understand(text, after(intent, topic));
    expect(u).toMatchObject({ intent, decision: 'answer', emergency: false });
    expect(u.followUp).toBeDefined();
  });

  it('should take the topic the follow-up names within the intent, else keep the current one', () => {
    expect(engine.understand('vậy sinh viên thì sao ạ', after('health_insurance', 'household')).topic).toBe(
      'student',
    );
    expect(engine.understand('and for my child?', after('health_insurance', 'lost_card')).topic).toBe(
      'lost_card',
    );
  });

  it.each([
    ['quên mật khẩu vneid', 'vneid'],
    ['cảm ơn', 'greeting'],
    ['ok', 'greeting'],
    ['cho tôi gặp nhân viên', 'human'],
    ['mẹ tôi bị xỉu', 'emergency'],
    ['xổ số hôm nay', 'fallback'],
  ])('should change topic only on clear evidence: "%s" → %s', (text, intent) => {
    const u = engine.understand(text, after('health_insurance', 'household'));
    expect(actedIntent(u)).toBe(intent);
    expect(u.followUp).toBeUndefined();
  });

  it('should not lean on context for a long message with a topic of its own', () => {
    const u = engine.understand(
      'tôi muốn hỏi cách đặt lịch khám tai mũi họng vào sáng thứ bảy tuần sau được không',
      after('health_insurance', 'household'),
    );
    expect(u.followUp).toBeUndefined();
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
