import { splitText, toE164, truncate } from './text-split';

describe('#splitText', () => {
  it('should keep a short text whole', () => {
    expect(splitText('Xin chào.', 2000)).toEqual(['Xin chào.']);
  });

  it('should cut at sentence boundaries and keep every part within the limit', () => {
    const sentence = 'Dạ, anh/chị vui lòng mang theo thẻ căn cước gắn chip khi đến làm thủ tục. ';
    const text = sentence.repeat(60).trim();
    const parts = splitText(text, 2000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect([...part].length).toBeLessThanOrEqual(2000);
      expect(part.endsWith('.')).toBe(true);
    }
    expect(parts.join(' ')).toBe(text);
  });

  it('should leave a last part short enough for a button template', () => {
    const text = 'Một câu dài vừa phải để thử. '.repeat(40).trim();
    const parts = splitText(text, 2000, 640);
    expect([...parts[parts.length - 1]].length).toBeLessThanOrEqual(640);
  });

  it('should cut inside a word only when there is no space at all', () => {
    const parts = splitText('x'.repeat(4500), 2000);
    expect(parts.map((p) => p.length)).toEqual([2000, 2000, 500]);
  });

  it('should count code points, not UTF-16 units', () => {
    const parts = splitText('😀'.repeat(2500), 2000);
    expect([...parts[0]].length).toBe(2000);
  });
});

describe('#toE164 and #truncate', () => {
  it.each([
    ['0258 3822 123', '+842583822123'],
    ['0905.123.456', '+84905123456'],
    ['+84 905 123 456', '+84905123456'],
    ['115', null],
  ])('%s → %s', (phone, e164) => {
    expect(toE164(phone)).toBe(e164);
  });

  it('should truncate with an ellipsis', () => {
    expect(truncate('Đăng nhập cổng dịch vụ công', 20)).toBe('Đăng nhập cổng dịch…');
    expect([...truncate('Đăng nhập cổng dịch vụ công', 20)].length).toBe(20);
  });
});
