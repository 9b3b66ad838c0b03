import { canonicalTones, hasVietnameseMarks, stripDiacritics } from './vietnamese';

describe('#canonicalTones', () => {
  it.each([
    ['hoà', 'hòa'],
    ['hòa', 'hòa'],
    ['Khánh Hoà', 'Khánh Hòa'],
    ['thuý', 'thúy'],
    ['thúy', 'thúy'],
    ['khoẻ', 'khỏe'],
    ['toán', 'toán'],
    ['hoạt', 'hoạt'],
    ['quả', 'quả'],
    ['già', 'già'],
    ['gì', 'gì'],
    ['người', 'người'],
    ['chuối', 'chuối'],
    ['khuỷu', 'khuỷu'],
    ['mái', 'mái'],
    ['tiếng', 'tiếng'],
    ['được', 'được'],
    ['bảo hiểm y tế', 'bảo hiểm y tế'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalTones(input)).toBe(expected);
  });

  it('should accept decomposed (NFD) input', () => {
    expect(canonicalTones('hoà'.normalize('NFD')).normalize('NFC')).toBe('hòa');
  });
});

describe('#stripDiacritics', () => {
  it('should fold đ and every mark', () => {
    expect(stripDiacritics('Đăng ký khám bệnh ở đâu?')).toBe('Dang ky kham benh o dau?');
  });
});

describe('#hasVietnameseMarks', () => {
  it.each([
    ['quên mật khẩu', true],
    ['đi', true],
    ['quen mat khau', false],
    ['hello', false],
  ])('%s → %s', (text, expected) => {
    expect(hasVietnameseMarks(text)).toBe(expected);
  });
});
