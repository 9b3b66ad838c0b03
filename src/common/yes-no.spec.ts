import { yesNo } from './yes-no';

describe('#yesNo', () => {
  it.each([
    'có',
    'Có ạ',
    'co',
    'ừ',
    'uk',
    'ukm',
    'vâng',
    'Vâng ạ',
    'dạ',
    'dạ được',
    'da duoc a',
    'đc',
    'dc',
    'được rồi',
    'ok',
    'OK!',
    'oke ad',
    'okie nhé',
    'đồng ý',
    'dong y',
    'Dạ đồng ý ạ',
    'yes',
    'Yes please',
    'sure',
    'yep',
    'yeah 👍',
  ])('%j is a yes', (text) => {
    expect(yesNo(text)).toBe('yes');
  });

  it.each([
    'không',
    'Không ạ',
    'khong',
    'ko',
    'k',
    'hông',
    'hong',
    'khum',
    'thôi',
    'thoi',
    'thôi khỏi',
    'không cần',
    'khong can dau',
    'dạ không cần đâu ạ',
    'ko cần nữa',
    'no',
    'No.',
    'nope',
    'no thanks',
    'no need',
  ])('%j is a no', (text) => {
    expect(yesNo(text)).toBe('no');
  });

  it.each([
    '',
    '   ',
    'có ai ở đó không',
    'không biết nữa',
    'tôi không muốn để lại số vì sợ bị làm phiền',
    'có thể cho tôi hỏi về BHYT',
    'khoa cấp cứu',
    'yes but what about my card',
    'hôm qua',
    '0905111222',
  ])('%j is neither', (text) => {
    expect(yesNo(text)).toBeNull();
  });
});

describe('#yesNo at the call-back step (intents/human)', () => {
  it.each([
    ['có', 'yes'],
    ['Có ạ', 'yes'],
    ['ừ', 'yes'],
    ['dạ được', 'yes'],
    ['dc', 'yes'],
    ['ok', 'yes'],
    ['OK nhé', 'yes'],
    ['đồng ý', 'yes'],
    ['vâng', 'yes'],
    ['yes', 'yes'],
    ['sure', 'yes'],
    ['Yes please!', 'yes'],
    ['không', 'no'],
    ['ko', 'no'],
    ['k', 'no'],
    ['thôi', 'no'],
    ['thoi khoi', 'no'],
    ['dạ không ạ', 'no'],
    ['không, cảm ơn', 'no'],
    ['khong can dau', 'no'],
    ['no', 'no'],
    ['nope', 'no'],
    ['no thanks', 'no'],
  ] as const)('should hear %p as %p', (text, expected) => {
    expect(yesNo(text)).toBe(expected);
  });

  it.each([
    'không nhận được OTP',
    'có cần mang CCCD không',
    'ok vậy BHYT hộ gia đình đóng bao nhiêu',
    '0912 345 678',
    '',
    'cảm ơn',
  ])('should not take %p for a yes or a no', (text) => {
    expect(yesNo(text)).toBeNull();
  });
});
