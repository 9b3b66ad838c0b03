import { Normalizer, squeeze } from './normalizer';

const normalizer = new Normalizer();
const tokens = (text: string) => normalizer.normalize(text).tokens.join(' ');
const stripped = (text: string) => normalizer.normalize(text).stripped.join(' ');

describe(Normalizer.name, () => {
  it.each([
    ['Khánh Hoà', 'khánh hòa'],
    ['KHÁNH HÒA', 'khánh hòa'],
    ['Thuý', 'thúy'],
    ['ko vao dc vneid', 'không vao được vneid'],
    ['e mún đk khám sáng t7', 'em muốn đăng ký khám sáng thứ bảy'],
    ['quên mk bhyt j v', 'quên mật khẩu bảo hiểm y tế gì v'],
    ['cccd của e', 'căn cước công dân của em'],
    ['đauuuu quá', 'đau quá'],
    ['hỏi 115 và mức 2 và 1900', 'hỏi 115 và mức 2 và _num_'],
    ['gọi 0905 123 456 nhé', 'gọi _phone_ nhé'],
    ['vào https://dichvucong.gov.vn/p/home xem', 'vào _url_ xem'],
    ['mail a.b@example.com', 'mail _email_'],
    ['cảm ơn 👍👍', 'cảm ơn _emoji_'],
  ])('%s → %s', (input, expected) => {
    expect(tokens(input)).toBe(expected);
  });

  it('should treat NFD input like NFC and fold đ in the stripped view', () => {
    expect(tokens('Đăng ký khám'.normalize('NFD'))).toBe('đăng ký khám');
    expect(stripped('Đăng ký khám')).toBe('dang ky kham');
  });

  it('should not throw on empty, huge or broken input', () => {
    expect(normalizer.normalize('').tokens).toEqual([]);
    expect(normalizer.normalize('🙂🙂').tokens).toEqual(['_emoji_']);
    expect(normalizer.normalize('xin \uD800 chào').tokens).toEqual(['xin', 'chào']);
    expect(normalizer.normalize('vneid '.repeat(2000)).tokens.length).toBeLessThanOrEqual(200);
  });

  describe('#squeeze', () => {
    it('should squeeze three or more repeats and keep pairs', () => {
      expect(squeeze('hiiiii')).toBe('hi');
      expect(squeeze('xoong')).toBe('xoong');
    });
  });
});

describe('acronyms', () => {
  it('should flag the tokens an acronym expands to, aligned with the tokens', () => {
    const n = new Normalizer().normalize('Can I renew BHYT online? 👍');
    expect(n.tokens).toEqual(['can', 'i', 'renew', 'bảo', 'hiểm', 'y', 'tế', 'online', '_emoji_']);
    expect(n.acronym).toEqual([false, false, false, true, true, true, true, false, false]);
  });
});
