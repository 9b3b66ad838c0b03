import { readFileSync } from 'node:fs';
import { fromRoot } from '../../common/project-root';
import { toMessengerMessages } from './messenger-format';
import { classifyGraphResponse } from './messenger.client';
import { parseMessengerPayload } from './messenger-event.parser';

const fixture = (name: string) =>
  JSON.parse(readFileSync(fromRoot('test/fixtures/channels/messenger', name), 'utf8')) as unknown;

describe('#toMessengerMessages', () => {
  it('should send text with quick replies in the shape of the fixture request', () => {
    const request = fixture('send-text-quick-replies-request.json') as {
      body: { message: { quick_replies: unknown[] } };
    };
    const [message] = toMessengerMessages(
      {
        text: 'Chọn một chủ đề',
        quickReplies: [
          { title: 'VNeID', payload: 'vneid:menu' },
          { title: 'Bảo hiểm y tế', payload: 'health_insurance:menu' },
        ],
      },
      'outbox:1',
    );
    expect(message).toEqual({
      text: 'Chọn một chủ đề',
      quick_replies: [
        { content_type: 'text', title: 'VNeID', payload: 'vneid:menu' },
        { content_type: 'text', title: 'Bảo hiểm y tế', payload: 'health_insurance:menu' },
      ],
      metadata: 'outbox:1',
    });
    // Our quick replies use the fixture's fields (it also shows the optional image_url).
    expect(Object.keys(request.body.message.quick_replies[0] as object)).toEqual(
      expect.arrayContaining(['content_type', 'payload', 'title']),
    );
  });

  it('should build a button template (web_url, postback, phone_number) and drop a short code it cannot call', () => {
    const [message] = toMessengerMessages(
      {
        text: 'Gọi ngay 115',
        buttons: [
          { title: 'Cổng dịch vụ công quốc gia', url: 'https://dichvucong.gov.vn' },
          { title: 'Menu', payload: 'MENU' },
          { title: 'Gọi 115', phone: '115' },
          { title: 'Tổng đài', phone: '0258 3822 123' },
        ],
      },
      'outbox:2',
    );
    expect(message).toEqual({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'Gọi ngay 115',
          buttons: [
            { type: 'web_url', url: 'https://dichvucong.gov.vn', title: 'Cổng dịch vụ công q…' },
            { type: 'postback', title: 'Menu', payload: 'MENU' },
            { type: 'phone_number', title: 'Tổng đài', payload: '+842583822123' },
          ],
        },
      },
      metadata: 'outbox:2',
    });
    // The same envelope as Meta's button-template sample: attachment.type, template_type, text, buttons.
    const sample = fixture('send-button-template-request.json') as {
      body: {
        message: { attachment: { type: string; payload: { template_type: string; buttons: object[] } } };
      };
    };
    const ours = message as typeof sample.body.message;
    expect(ours.attachment.type).toBe(sample.body.message.attachment.type);
    expect(Object.keys(ours.attachment.payload).sort()).toEqual(
      Object.keys(sample.body.message.attachment.payload).sort(),
    );
    for (const [i, button] of sample.body.message.attachment.payload.buttons.entries()) {
      expect(Object.keys(ours.attachment.payload.buttons[i]).sort()).toEqual(Object.keys(button).sort());
    }
  });

  it('should split a long text at sentence boundaries, keeping the template text within 640 and quick replies on the last part', () => {
    const text = 'Đây là một câu hướng dẫn khá dài cho người dân. '.repeat(60).trim();
    const parts = toMessengerMessages(
      {
        text,
        buttons: [{ title: 'Xem', url: 'https://dichvucong.gov.vn' }],
        quickReplies: [{ title: 'Menu', payload: 'MENU' }],
      },
      'outbox:3',
    );
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts.slice(0, -1)) {
      expect([...(part.text as string)].length).toBeLessThanOrEqual(2000);
      expect(part.quick_replies).toBeUndefined();
    }
    const last = parts[parts.length - 1] as {
      attachment: { payload: { text: string } };
      quick_replies: unknown[];
    };
    expect([...last.attachment.payload.text].length).toBeLessThanOrEqual(640);
    expect(last.quick_replies).toHaveLength(1);
  });

  it('should keep at most 13 quick replies of at most 20 characters', () => {
    const [message] = toMessengerMessages(
      {
        text: 'x',
        quickReplies: Array.from({ length: 20 }, (_, i) => ({
          title: `Chủ đề số ${i} rất dài hơn hai mươi`,
          payload: `p${i}`,
        })),
      },
      'outbox:4',
    );
    const quick = message.quick_replies as { title: string }[];
    expect(quick).toHaveLength(13);
    expect(quick.every((q) => [...q.title].length <= 20)).toBe(true);
  });
});

describe('#classifyGraphResponse', () => {
  it.each([
    [200, fixture('send-response-ok.json'), 'ok'],
    [400, fixture('error-invalid-token-190.json'), 'permanent'],
    [400, fixture('error-outside-window-2018278.json'), 'window_closed'],
    [400, fixture('error-user-unavailable-551.json'), 'unreachable'],
    [400, { error: { code: 613, message: 'rate limit' } }, 'transient'],
    [500, { error: { code: 1, message: 'unknown' } }, 'transient'],
    [400, { error: { code: 100, message: 'Invalid parameter' } }, 'permanent'],
  ])('HTTP %s %j → %s', (status, body, expected) => {
    expect(classifyGraphResponse(status, body).status).toBe(expected);
  });
});

describe('#parseMessengerPayload', () => {
  const unit = (page: string) => (page === 'PAGE_ID_0001' ? 'unit-a' : undefined);

  it.each([
    ['text-message.json', { kind: 'text', text: 'text', userId: 'PSID_USER_0001', unitId: 'unit-a' }],
    ['quick-reply.json', { kind: 'quick_reply', payload: 'DEVELOPER_DEFINED_PAYLOAD_FOR_PICKING_RED' }],
    [
      'postback-get-started.json',
      { kind: 'postback', payload: 'GET_STARTED', externalId: 'm_POSTBACK_MID_0001' },
    ],
    ['image-attachment.json', { kind: 'attachment', attachmentType: 'image' }],
    ['sticker-like.json', { kind: 'attachment', attachmentType: 'like' }],
    ['echo-page-inbox-human.json', { kind: 'handover', userId: 'PSID_USER_0001' }],
  ])('%s', (file, expected) => {
    const [parsed] = parseMessengerPayload(fixture(file), unit, '1111111111111111');
    expect(parsed).toMatchObject({ type: 'event', event: expected });
  });

  it('should read every entry of a batch and ignore receipts, our echoes and standby events', () => {
    const batch = parseMessengerPayload(fixture('batch-two-entries.json'), unit);
    expect(batch.map((p) => p.type)).toEqual(['event', 'unrouted']);
    for (const file of ['delivery.json', 'read.json'])
      expect(parseMessengerPayload(fixture(file), unit)[0].type).toBe('ignored');
    expect(parseMessengerPayload(fixture('echo.json'), unit, '1111111111111111')[0].type).toBe('ignored');
    const standby = { object: 'page', entry: [{ id: 'PAGE_ID_0001', standby: [{ sender: { id: 'x' } }] }] };
    expect(parseMessengerPayload(standby, unit)[0].type).toBe('ignored');
  });
});
