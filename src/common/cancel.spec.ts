import { isCancel } from './cancel';

describe('#isCancel', () => {
  it.each([
    'thôi',
    'Thôi ạ',
    'hủy',
    'huỷ',
    'huy',
    'thôi hủy',
    'hủy phản ánh',
    'không phản ánh nữa',
    'khong phan anh nua',
    'ko phản ánh nữa',
    'thôi không phản ánh nữa',
    'thôi khỏi',
    'thoi khoi nhe',
    'không gửi nữa',
    'dừng lại',
    'cancel',
    'Cancel it',
    'never mind',
    'nevermind',
    'stop',
    'forget it',
  ])('%j cancels', (text) => {
    expect(isCancel(text)).toBe(true);
  });

  it.each([
    '',
    'đúng',
    'không',
    'ok',
    'bỏ qua',
    'nhân viên bảo tôi thôi về đi mai quay lại',
    'bác sĩ hủy lịch khám của tôi mà không báo trước',
    'stop the bleeding how',
    'khoa cấp cứu',
  ])('%j does not cancel', (text) => {
    expect(isCancel(text)).toBe(false);
  });
});
