import { yesNo } from './yes-no';

describe('#yesNo', () => {
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
