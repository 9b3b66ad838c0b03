import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from '../common/project-root';
import {
  messengerSha1Valid,
  messengerSignatureValid,
  sameDigest,
  sameSecret,
  zaloSignatureValid,
} from './signature';

const fixture = <T>(path: string): T =>
  JSON.parse(readFileSync(join(fromRoot('test/fixtures/channels'), path), 'utf8')) as T;

const SHA256 = [
  ['{}', 'sha256=448df8785dd36742e43fa3cad9de2eca8ceb6391e79c742e33e52c6637f32dac', true],
  ['rawBody', 'sha256=5ed144e30fbf7b9730f32b3a05200b1a3dd9098811b41742071c847eb9202cf7', true],
  ['{}', 'sha256=0000000000000000000000000000000000000000000000000000000000000000', false],
  ['{}', 'sha256=448df878', false],
  ['{}', undefined, false],
] as const;

describe('#messengerSignatureValid', () => {
  it.each(SHA256)('%s with %s → %s', (body, header, valid) => {
    expect(messengerSignatureValid(Buffer.from(body), header, 'FAKE_SECRET')).toBe(valid);
  });

  it('should hash the exact UTF-8 bytes of a Vietnamese body', () => {
    const body =
      '{"object":"page","entry":[{"id":"PAGE_ID_0001","time":1486464322257,"messaging":[{"sender":{"id":"PSID_USER_0001"},"recipient":{"id":"PAGE_ID_0001"},"timestamp":1486464322190,"message":{"mid":"mid.1486464322190:cb04e5a654","text":"Xin chào"}}]}]}';
    expect(
      messengerSignatureValid(
        Buffer.from(body, 'utf8'),
        'sha256=60fab1d80ee2c1ee105d0046252e4f19a24548277e28d13cd9c22e477b4c693f',
        'FAKE_SECRET',
      ),
    ).toBe(true);
    expect(
      messengerSignatureValid(
        Buffer.from(body, 'latin1'),
        'sha256=60fab1d80ee2c1ee105d0046252e4f19a24548277e28d13cd9c22e477b4c693f',
        'FAKE_SECRET',
      ),
    ).toBe(false);
  });

  it('should agree with every vector of the fixture file', () => {
    const { vectors } = fixture<{ vectors: { raw_body: string; header_value: string; valid: boolean }[] }>(
      'messenger/signature-sha256-computed.json',
    );
    expect(
      vectors.map((v) =>
        messengerSignatureValid(Buffer.from(v.raw_body, 'utf8'), v.header_value, 'FAKE_SECRET'),
      ),
    ).toEqual(vectors.map((v) => v.valid));
  });
});

describe('#messengerSha1Valid', () => {
  it('should accept the published Bottender vectors and refuse the others', () => {
    const { vectors } = fixture<{ vectors: { raw_body: string; header_value: string; valid: boolean }[] }>(
      'messenger/signature-sha1-published.json',
    );
    expect(
      vectors.map((v) => messengerSha1Valid(Buffer.from(v.raw_body), v.header_value, 'FAKE_SECRET')),
    ).toEqual(vectors.map((v) => v.valid));
  });
});

describe('#zaloSignatureValid', () => {
  const raw =
    '{"app_id":"ZALO_APP_ID_0001","user_id_by_app":"ZALO_USER_BY_APP_0001","event_name":"user_send_text","timestamp":"1699003881354","sender":{"id":"ZALO_USER_ID_0001"},"recipient":{"id":"ZALO_OA_ID_0001"},"message":{"text":"Chào A4B","msg_id":"cb31dff1c39642cc1b83"}}';

  it('should verify the computed vector and refuse a wrong key, timestamp or prefix', () => {
    const header = 'mac=ae7061ba89c2fc8dcf70457d85fffd475fa243a24d65baf09356508a922e3325';
    expect(
      zaloSignatureValid(Buffer.from(raw), header, 'ZALO_APP_ID_0001', '1699003881354', 'FAKE_OA_SECRET_KEY'),
    ).toBe(true);
    expect(zaloSignatureValid(Buffer.from(raw), header, 'ZALO_APP_ID_0001', '1699003881354', 'OTHER')).toBe(
      false,
    );
    expect(
      zaloSignatureValid(Buffer.from(raw), header, 'ZALO_APP_ID_0001', '1699003881355', 'FAKE_OA_SECRET_KEY'),
    ).toBe(false);
    expect(
      zaloSignatureValid(
        Buffer.from(raw),
        header.slice(4),
        'ZALO_APP_ID_0001',
        '1699003881354',
        'FAKE_OA_SECRET_KEY',
      ),
    ).toBe(false);
  });
});

describe('#sameSecret', () => {
  it.each([
    ['Xy7Qk2LmPz', 'Xy7Qk2LmPz', true],
    ['Xy7Qk2LmPz+9wQ/3aB1cR0Tq', 'Xy7Qk2LmPz+9wQ/3aB1cR0Tq', true],
    ['Xy7Qk2LmPz', 'xy7qk2lmpz', false],
    ['Xy7Qk2LmPz', 'Xy7Qk2LmP', false],
    ['Xy7Qk2LmPz', '', false],
    ['', '', false],
  ])('%s vs %s → %s', (expected, given, same) => {
    expect(sameSecret(expected, given)).toBe(same);
  });
});

describe('#sameDigest', () => {
  it('should take an upper-case hex digest and refuse one of another length', () => {
    expect(sameDigest('448df8785dd3', '448DF8785DD3')).toBe(true);
    expect(sameDigest('448df8785dd3', '448df8785dd')).toBe(false);
  });
});
