import { recognise, redact } from './entity-recognizer';

const only = (text: string) => recognise(text).map((e) => [e.type, e.normalized]);

describe('#recognise', () => {
  it.each([
    ['gọi em 0905 123 456 nhé', [['phone', '0905123456']]],
    ['sdt 0905.123.456', [['phone', '0905123456']]],
    ['số em +84 905 123 456', [['phone', '0905123456']]],
    ['84905123456 là zalo em', [['phone', '0905123456']]],
    ['0905-123-456', [['phone', '0905123456']]],
    ['máy bàn 0258 3822 123', [['phone', '02583822123']]],
    ['cccd 079123456789', [['cccd', '079123456789']]],
    ['căn cước 079 123 456 789', [['cccd', '079123456789']]],
    ['cmnd cũ 225123456', [['cmnd', '225123456']]],
    ['thẻ DN4797912345678 hết hạn', [['bhyt', 'DN4797912345678']]],
    ['the bhyt gd 4 79 7912345678', [['bhyt', 'GD4797912345678']]],
    ['mã số BHXH 7912345678', [['social_insurance', '7912345678']]],
    ['mail an.nguyen@example.com', [['email', 'an.nguyen@example.com']]],
    ['tra cứu PA-2026-000123', [['ticket_code', 'PA-2026-000123']]],
    ['status pa 2026 000123 please', [['ticket_code', 'PA-2026-000123']]],
    ['pa2026000123', [['ticket_code', 'PA-2026-000123']]],
    ['hẹn ngày 12/3', [['date', '--03-12']]],
    ['khám hôm 12/03/2026', [['date', '2026-03-12']]],
    ['ngày 5 tháng 9 năm 2026', [['date', '2026-09-05']]],
    ['31/02/2026 không có', []],
    ['giá 1.263.600 đồng một năm', []],
    ['gọi 115 ngay', []],
  ])('%s', (text, expected) => {
    expect(only(text)).toEqual(expected);
  });

  it('should give positions that point at the value', () => {
    const [e] = recognise('số tôi là 0905123456 ạ');
    expect('số tôi là 0905123456 ạ'.slice(e.start, e.end)).toBe('0905123456');
  });
});

describe('#redact', () => {
  it('should replace every sensitive value with its typed placeholder and keep the rest', () => {
    expect(
      redact(
        'Em tên Lan, sđt 0905 123 456, cccd 079123456789, thẻ DN4797912345678, bhxh 7912345678, mail lan@example.com, phiếu PA-2026-000123 ngày 12/03/2026',
      ),
    ).toBe(
      'Em tên Lan, sđt [phone], cccd [cccd], thẻ [bhyt], bhxh [social_insurance], mail [email], phiếu PA-2026-000123 ngày 12/03/2026',
    );
  });

  it('should err on the side of redacting unknown long digit runs', () => {
    expect(redact('mã 12345678901234 nè')).toBe('mã [phone] nè');
    expect(redact('cmnd 123456789')).toBe('cmnd [cmnd]');
  });

  it('should survive broken Unicode and empty input', () => {
    expect(redact('')).toBe('');
    expect(redact('số \uD800 0905123456')).toBe('số \uFFFD [phone]');
  });
});
