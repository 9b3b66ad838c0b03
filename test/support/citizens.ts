import { ConversationEntity } from '../../src/conversation/conversation.entity';
import { fixture, freshMessenger, signMessenger, signZalo } from './channel-helpers';
import { eventually, type TestApp } from './test-app';

/** The signing values the suites configure for their fake page and OA. */
export const MESSENGER_SECRET = 'FAKE_SECRET';
export const ZALO_APP = 'ZALO_APP_ID_0001';
export const ZALO_KEY = 'FAKE_OA_SECRET_KEY';

let n = 0;

/** The conversation once its first turn stored it. */
export const conversationOf = (app: TestApp, channel: string, userId: string) =>
  eventually(() => app.db.manager.findOneBy(ConversationEntity, { channel, userId }));

/** A citizen writes on Messenger at `at` (the platform's window counts from then), signed as Meta does. */
export async function messengerCitizen(app: TestApp, psid: string, at: Date, text = 'Xin chào') {
  const payload = fixture<{
    entry: { messaging: { sender: { id: string }; message: { text: string } }[] }[];
  }>('messenger/text-message.json');
  payload.entry[0].messaging[0].sender.id = psid;
  payload.entry[0].messaging[0].message.text = text;
  const raw = JSON.stringify(freshMessenger(payload, at, `.${psid}.${++n}`));
  await app
    .http()
    .post('/webhooks/messenger')
    .set('content-type', 'application/json')
    .set('x-hub-signature-256', signMessenger(raw, MESSENGER_SECRET))
    .send(raw)
    .expect(200);
  return conversationOf(app, 'messenger', psid);
}

/** A citizen writes to the OA at `at` (the 7-day window counts from then), signed as Zalo does. */
export async function zaloCitizen(app: TestApp, user: string, at: Date, text = 'Xin chào') {
  const body = fixture<{
    sender: { id: string };
    message: { msg_id: string; text: string };
    timestamp: string;
  }>('zalo/zalo-user-send-text.json');
  body.sender.id = user;
  body.message.msg_id = `${body.message.msg_id}.${user}.${++n}`;
  body.message.text = text;
  body.timestamp = String(at.getTime());
  const raw = JSON.stringify(body);
  await app
    .http()
    .post('/webhooks/zalo')
    .set('content-type', 'application/json')
    .set('x-zevent-signature', signZalo(raw, ZALO_APP, body.timestamp, ZALO_KEY))
    .send(raw)
    .expect(200);
  return conversationOf(app, 'zalo', user);
}
