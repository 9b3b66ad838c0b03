import { readFileSync } from 'node:fs';
import { fromRoot } from '../../common/project-root';
import { parseZaloPayload } from './zalo-event.parser';
import { classifyZaloResponse, toZaloMessages } from './zalo.sender';

const fixture = (name: string) =>
  JSON.parse(readFileSync(fromRoot('test/fixtures/channels/zalo', name), 'utf8')) as Record<string, unknown>;

describe('#toZaloMessages', () => {
  it('should map buttons and quick replies to the consultation template of the fixture request', () => {
    const request = fixture('zalo-send-cs-buttons-request.json') as {
      body: { message: { attachment: unknown } };
    };
    const [message] = toZaloMessages({
      text: 'Anh/chị cần hỗ trợ về nội dung nào?',
      buttons: [
        { title: 'Gọi đường dây nóng', phone: '0900000000' },
        { title: 'Cổng dịch vụ công', url: 'https://dichvucong.gov.vn' },
      ],
      quickReplies: [{ title: 'Tài khoản VNeID', payload: 'vneid' }],
    });
    expect(message).toEqual({
      text: 'Anh/chị cần hỗ trợ về nội dung nào?',
      attachment: {
        type: 'template',
        payload: {
          buttons: [
            { title: 'Gọi đường dây nóng', type: 'oa.open.phone', payload: { phone_code: '84900000000' } },
            {
              title: 'Cổng dịch vụ công',
              type: 'oa.open.url',
              payload: { url: 'https://dichvucong.gov.vn' },
            },
            { title: 'Tài khoản VNeID', type: 'oa.query.hide', payload: '#vneid' },
          ],
        },
      },
    });
    const expected = request.body.message.attachment as { payload: { buttons: { type: string }[] } };
    expect(expected.payload.buttons.map((b) => b.type)).toEqual(
      expect.arrayContaining(['oa.open.phone', 'oa.open.url', 'oa.query.hide']),
    );
  });

  it('should keep at most 5 buttons and split texts over 2,000 characters', () => {
    const parts = toZaloMessages({
      text: 'Câu. '.repeat(600).trim(),
      quickReplies: Array.from({ length: 9 }, (_, i) => ({ title: `t${i}`, payload: `p${i}` })),
    });
    expect(parts.length).toBe(2);
    expect(parts.every((p) => [...(p.text as string)].length <= 2000)).toBe(true);
    expect((parts[1].attachment as { payload: { buttons: unknown[] } }).payload.buttons).toHaveLength(5);
  });
});

describe('#classifyZaloResponse', () => {
  it.each([
    [fixture('zalo-send-response-ok.json'), 'ok'],
    [fixture('zalo-error-token-expired.json'), 'token'],
    [fixture('zalo-error-token-expired-220.json'), 'token'],
    [fixture('zalo-error-rate-limit.json'), 'transient'],
    [fixture('zalo-error-not-interacted-7d.json'), 'window_closed'],
    [fixture('zalo-error-not-follower.json'), 'unreachable'],
    [{ error: -201, message: 'text is invalid' }, 'permanent'],
  ])('%j → %s', (body, expected) => {
    const result = classifyZaloResponse(200, body);
    expect(result === 'token' ? 'token' : result.status).toBe(expected);
  });
});

describe('#parseZaloPayload', () => {
  const unit = (oa: string) => (oa === 'ZALO_OA_ID_0001' ? 'unit-a' : undefined);

  it.each([
    [
      'zalo-user-send-text.json',
      { kind: 'text', text: 'Chào A4B', externalId: 'cb31dff1c39642cc1b83', userId: 'ZALO_USER_ID_0001' },
    ],
    ['zalo-user-send-text-docs.json', { kind: 'text' }],
    ['zalo-follow.json', { kind: 'follow', userId: 'ZALO_USER_ID_0001' }],
    ['zalo-unfollow.json', { kind: 'unfollow' }],
    ['zalo-user-send-image.json', { kind: 'attachment', attachmentType: 'image' }],
  ])('%s', (file, expected) => {
    expect(parseZaloPayload(fixture(file), unit)).toMatchObject({
      type: 'event',
      event: { ...expected, unitId: 'unit-a' },
    });
  });

  it('should turn a hidden-query tap into a payload and ignore receipts and submitted info', () => {
    expect(
      parseZaloPayload(
        { ...fixture('zalo-user-send-text.json'), message: { text: '#vneid:otp', msg_id: 'x' } },
        unit,
      ),
    ).toMatchObject({
      event: { kind: 'quick_reply', payload: 'vneid:otp' },
    });
    for (const file of [
      'zalo-user-received-message.json',
      'zalo-user-seen-message.json',
      'zalo-user-submit-info.json',
    ]) {
      expect(parseZaloPayload(fixture(file), unit).type).toBe('ignored');
    }
  });

  it('should keep the ids as strings and mark an unknown OA', () => {
    const parsed = parseZaloPayload(
      { ...fixture('zalo-user-send-text.json'), recipient: { id: '99999999999999999999' } },
      unit,
    );
    expect(parsed).toMatchObject({
      type: 'unrouted',
      event: { unitId: null, reason: 'unknown Zalo OA 99999999999999999999' },
    });
  });
});
