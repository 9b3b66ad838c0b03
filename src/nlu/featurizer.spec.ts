import { DEFAULT_FEATURES, Featurizer } from './featurizer';
import { Normalizer } from './normalizer';

const normalizer = new Normalizer();
const training = [
  'đăng ký tài khoản định danh điện tử mức 2',
  'quên mật khẩu vneid thì làm sao',
  'thẻ bhyt hết hạn gia hạn ở đâu',
  'số điện thoại đường dây nóng khiếu nại',
  'bệnh viện mở cửa mấy giờ',
  'how do I renew my health insurance card',
  'ko bit dang ky vneid ntn',
].map((text) => normalizer.normalize(text));

/** TF-IDF of the three views, written out with strings and maps: what transform must give. */
function reference(featurizer: Featurizer, text: string): { index: number; value: number }[] {
  const { vocab, idf } = featurizer.toJSON();
  const index = new Map(vocab);
  const n = normalizer.normalize(text);
  const words: string[] = [];
  const stripped: string[] = [];
  n.tokens.forEach((token, i) => {
    words.push(`w:${token}`);
    stripped.push(`s:${n.stripped[i]}`);
    if (i + 1 < n.tokens.length) {
      words.push(`w:${token} ${n.tokens[i + 1]}`);
      stripped.push(`s:${n.stripped[i]} ${n.stripped[i + 1]}`);
    }
  });
  const chars: string[] = [];
  for (const token of n.stripped.filter((t) => !t.startsWith('_'))) {
    const padded = ` ${token} `;
    for (let size = DEFAULT_FEATURES.charMin; size <= DEFAULT_FEATURES.charMax; size++)
      for (let i = 0; i + size <= padded.length; i++) chars.push(`c:${padded.slice(i, i + size)}`);
  }
  const out: { index: number; value: number }[] = [];
  for (const terms of [words, stripped, chars]) {
    const counts = new Map<number, number>();
    for (const term of terms) {
      const i = index.get(term);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const raw = [...counts].map(([i, count]) => ({
      index: i,
      value: (1 + Math.log(count)) * Math.fround(idf[i]),
    }));
    const norm = Math.sqrt(raw.reduce((sum, r) => sum + r.value * r.value, 0)) || 1;
    out.push(...raw.map((r) => ({ index: r.index, value: Math.fround(r.value / norm) })));
  }
  return out;
}

describe(Featurizer.name, () => {
  const featurizer = new Featurizer();
  featurizer.fit(training);

  it.each([
    'cho em hỏi đăng ký tài khoản định danh mức 2 ạ',
    'quên mật khẩu mật khẩu mật khẩu', // repeated n-grams
    'ko bit gia han the bhyt o dau', // no diacritics, teencode
    'renew health insurance card 😀 ở đâu', // emoji and a character outside the BMP
    'xyz qqq', // nothing in the vocabulary
    'vneid 0905123456 https://dichvucong.gov.vn', // placeholders for numbers and links
  ])('should give the same sparse vector as the n-gram strings would for "%s"', (text) => {
    const vector = featurizer.transform(normalizer.normalize(text));
    const got = [...vector.indices].map((index, i) => ({ index, value: vector.values[i] }));
    expect(got).toEqual(reference(featurizer, text));
  });

  it('should use the vocabulary it was last fitted on', () => {
    const refitted = new Featurizer();
    refitted.fit(training);
    refitted.transform(normalizer.normalize('vneid'));
    refitted.fit([normalizer.normalize('bệnh viện'), normalizer.normalize('vneid')]);
    const text = 'bệnh viện vneid';
    const vector = refitted.transform(normalizer.normalize(text));
    expect([...vector.indices].map((index, i) => ({ index, value: vector.values[i] }))).toEqual(
      reference(refitted, text),
    );
    const restored = Featurizer.fromJSON(refitted.toJSON());
    expect(restored.transform(normalizer.normalize(text))).toEqual(vector);
  });
});
