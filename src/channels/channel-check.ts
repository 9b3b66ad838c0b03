import { createHmac } from 'node:crypto';

/**
 * What `channels:check` concludes from the platforms' answers, in plain words for a unit's IT person.
 * Pure functions over the raw answers (docs/channels.md and shared/docs/channels.md A.11, B.9);
 * the HTTP calls are handed in, so the CLI decides where they go.
 */

/** ✓ proven fine, ✗ proven wrong, ? could not be proven either way (never counts as a failure). */
export type CheckStatus = 'ok' | 'fail' | 'unknown';

export interface CheckLine {
  status: CheckStatus;
  /** "Messenger page 123", "Zalo OA 456". */
  subject: string;
  text: string;
}

export const REQUIRED_MESSENGER_FIELDS = [
  'messages',
  'messaging_postbacks',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'messaging_handovers',
  'standby',
];

/** The version Meta's pages used when shared/docs/channels.md was written (A.1). */
const KNOWN_GRAPH_VERSION = 25;

const GUIDE = 'docs/channels.md';

export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
  /** The call never got an answer (DNS, TLS, timeout): `message` says why. */
  unreachable?: boolean;
}

export interface HttpAnswer {
  /** 0 when no answer came; `raw` then says why. */
  status: number;
  /** Parsed JSON (or undefined when the body was not JSON). */
  data: unknown;
  /** The body as received: Zalo ids exceed 2^53 and must be read from the text. */
  raw: string;
}

export function graphError(answer: HttpAnswer): GraphError | undefined {
  if (answer.status === 0) return { message: answer.raw, unreachable: true };
  const body = answer.data as { error?: GraphError } | undefined;
  if (body && typeof body === 'object' && body.error && typeof body.error === 'object') return body.error;
  if (answer.status >= 400) return { message: `HTTP ${answer.status}` };
  return undefined;
}

function metaSaid(e: GraphError): string {
  const code = e.code !== undefined ? ` code ${e.code}${e.error_subcode ? `/${e.error_subcode}` : ''}` : '';
  return `(Meta:${code} "${e.message ?? 'error'}"${e.fbtrace_id ? `, fbtrace_id ${e.fbtrace_id}` : ''})`;
}

/** A Graph error met while using the page token, in plain words with what to do. */
export function describeGraphError(e: GraphError, tokenVar = 'the page token variable'): string {
  if (e.unreachable)
    return `could not reach the Graph API (${e.message}): check the server's internet access and MESSENGER_API_URL`;
  const said = metaSaid(e);
  if (e.code === 190)
    return `the page token is invalid or expired ${said}: make a new long-lived page token (${GUIDE}, "Page token") and put it in ${tokenVar}`;
  if (e.code === 10 || (e.code !== undefined && e.code >= 200 && e.code <= 299))
    return `the app lacks a permission for this call ${said}: check pages_messaging (App Review) and that the token was made by a page admin`;
  if (e.code !== undefined && [4, 17, 32, 613].includes(e.code))
    return `Meta's rate limit was hit ${said}: wait a few minutes and run the check again`;
  if (e.code === 2 || e.code === 1200) return `Meta had a temporary error ${said}: run the check again later`;
  return `Meta refused the call ${said}`;
}

/** Graph names a wrong appsecret_proof in its message (no code of its own is documented in our spec). */
export function isAppSecretProofError(e: GraphError): boolean {
  return /appsecret_proof/i.test(e.message ?? '');
}

export function appSecretProof(appSecret: string, accessToken: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

/** Which of the fields the bot needs are missing from a page subscription. */
export function missingFields(subscribed: string[]): string[] {
  return REQUIRED_MESSENGER_FIELDS.filter((f) => !subscribed.includes(f));
}

export function graphVersionLine(subject: string, apiUrl: string): CheckLine {
  const match = /\/v(\d+)\.(\d+)\/?$/.exec(apiUrl);
  if (!match)
    return {
      status: 'fail',
      subject,
      text: `MESSENGER_API_URL (${apiUrl}) names no Graph version: unversioned calls go to the oldest version Meta still serves; end it with /v${KNOWN_GRAPH_VERSION}.0`,
    };
  const version = `v${match[1]}.${match[2]}`;
  if (Number(match[1]) < KNOWN_GRAPH_VERSION)
    return {
      status: 'unknown',
      subject,
      text: `Graph API ${version} (MESSENGER_API_URL) is older than the v${KNOWN_GRAPH_VERSION}.0 our spec was written against: check Meta's changelog that it is still served, or raise it`,
    };
  return {
    status: 'ok',
    subject,
    text: `Graph API ${version} (MESSENGER_API_URL); this check cannot tell when Meta retires it: look at Meta's changelog once a year`,
  };
}

export interface MessengerTarget {
  unitId: string;
  pageId: string;
  pageAccessToken: string;
  appSecret: string;
  /** MESSENGER_APP_ID: needed to find our app among the page's subscribed apps. */
  appId?: string;
  /** The variables holding the token and the secret, named in the advice. */
  tokenVar: string;
  secretVar: string;
}

export type GraphGet = (path: string, params: Record<string, string>) => Promise<HttpAnswer>;

/** Page token, page identity, app secret and page subscription of one configured page. */
export async function checkMessengerPage(get: GraphGet, page: MessengerTarget): Promise<CheckLine[]> {
  const subject = `Messenger page ${page.pageId}`;
  const line = (status: CheckStatus, text: string): CheckLine => ({ status, subject, text });
  const lines: CheckLine[] = [];

  const me = await get('/me', { fields: 'id,name', access_token: page.pageAccessToken });
  const meError = graphError(me);
  if (meError) return [line('fail', describeGraphError(meError, page.tokenVar))];
  const owner = me.data as { id?: string; name?: string };
  if (String(owner.id) !== page.pageId) {
    return [
      line(
        'fail',
        `the token belongs to page ${owner.id} ("${owner.name ?? '?'}"), not the configured page ${page.pageId}: make the token from the right page, or correct the page id`,
      ),
    ];
  }
  lines.push(line('ok', `the page token works and belongs to this page ("${owner.name ?? '?'}")`));

  const proved = await get('/me', {
    fields: 'id',
    access_token: page.pageAccessToken,
    appsecret_proof: appSecretProof(page.appSecret, page.pageAccessToken),
  });
  const proofError = graphError(proved);
  if (!proofError)
    lines.push(
      line(
        'ok',
        'Meta accepted an appsecret_proof made with the configured app secret, so it is the secret of the app that made the page token (the same secret checks the webhook signatures)',
      ),
    );
  else if (isAppSecretProofError(proofError))
    lines.push(
      line(
        'fail',
        `the app secret in ${page.secretVar} does not match the app that made the page token ${metaSaid(proofError)}: copy it again from the App Dashboard → Settings → Basic; with a wrong secret every webhook delivery is refused`,
      ),
    );
  else lines.push(line('unknown', `could not check the app secret: ${describeGraphError(proofError)}`));

  const subscribed = await get(`/${page.pageId}/subscribed_apps`, { access_token: page.pageAccessToken });
  const subError = graphError(subscribed);
  if (subError) {
    lines.push(
      line(
        'unknown',
        `could not read the page's subscribed apps (the call needs pages_manage_metadata): ${describeGraphError(subError)}`,
      ),
    );
    return lines;
  }
  const apps = ((subscribed.data as { data?: unknown[] }).data ?? []) as {
    id?: string;
    name?: string;
    subscribed_fields?: string[];
  }[];
  const named = apps.map((a) => `${a.id} "${a.name ?? '?'}"`).join(', ') || 'none';
  let ours = page.appId ? apps.find((a) => String(a.id) === page.appId) : undefined;
  if (!page.appId) {
    if (apps.length !== 1) {
      lines.push(
        line(
          apps.length ? 'unknown' : 'fail',
          apps.length
            ? `the page has ${apps.length} subscribed apps (${named}); set MESSENGER_APP_ID to tell which is ours`
            : `the app is not subscribed to the page: no app is; subscribe it (${GUIDE}, "Subscribe the app to the page")`,
        ),
      );
      return lines;
    }
    ours = apps[0];
  } else if (!ours) {
    lines.push(
      line(
        'fail',
        `the app is not subscribed to the page (subscribed: ${named}): subscribe app ${page.appId} to the page (${GUIDE}, "Subscribe the app to the page")`,
      ),
    );
    return lines;
  }
  const which = page.appId
    ? `app ${page.appId}`
    : `the page's only app ${ours.id} (MESSENGER_APP_ID not set)`;
  const fields = ours.subscribed_fields;
  if (!fields) {
    lines.push(
      line(
        'unknown',
        `${which} is subscribed to the page; Meta did not list its fields, check them in the App Dashboard`,
      ),
    );
    return lines;
  }
  const missing = missingFields(fields);
  lines.push(
    missing.length
      ? line(
          'fail',
          `${which} is subscribed to the page but not to ${missing.join(', ')}: tick them in Messenger → Settings → Webhooks for this page`,
        )
      : line(
          'ok',
          `${which} is subscribed to the page with every field the bot needs (Meta delivers a field only when the app's own webhook subscription lists it too: not visible with a page token, check it in the App Dashboard)`,
        ),
  );
  return lines;
}

// --- Zalo ---------------------------------------------------------------------------------------

const ZALO_ERRORS: Record<number, string> = {
  [-216]: 'the access token is invalid or expired',
  [-220]: 'the access token is invalid or expired',
  [-32]: "Zalo's call limit was reached: wait a minute and run the check again",
  [-204]: 'the OA is disabled: an OA admin must sort it out with Zalo',
  [-205]: 'the OA does not exist: check the OA id',
  [-209]: 'the Zalo app is not activated: activate it on developers.zalo.me',
  [-212]: 'the Zalo app has not registered this API: add the Official Account API to the app',
  [-219]: 'the Zalo app is removed or disabled',
  [-223]:
    "the OA has not authorised the app for this API: an OA admin must grant the app's permissions again",
  [-242]: 'Zalo refused the appsecret_proof: the app secret does not match',
};

export function isZaloTokenError(code: number): boolean {
  return code === -216 || code === -220;
}

/** A Zalo OA API error (HTTP 200, negative `error`) in plain words. */
export function describeZaloError(code: number, message: string | undefined): string {
  const said = `(Zalo: ${code} "${message ?? ''}")`;
  const known = ZALO_ERRORS[code];
  if (isZaloTokenError(code))
    return `${known} ${said}: a running bot refreshes it by itself; test the refresh token with --try-refresh, or re-authorise the OA (${GUIDE}, "First tokens")`;
  return known ? `${known} ${said}` : `Zalo refused the call ${said}`;
}

/** Zalo publishes no format for the OA secret key: catch copy-paste damage only. */
export function oaSecretKeyLine(subject: string, oaSecretKey: string, appSecret: string): CheckLine {
  if (/\s|["'`]/.test(oaSecretKey) || /^mac=/i.test(oaSecretKey))
    return {
      status: 'fail',
      subject,
      text: 'the OA secret key has spaces, quotes or a "mac=" prefix, so no webhook signature will match: copy it again from the app\'s Webhook section',
    };
  if (oaSecretKey === appSecret)
    return {
      status: 'unknown',
      subject,
      text: 'the OA secret key is the same value as the app secret; sources disagree whether Zalo signs webhooks with one or the other: if events are refused ("wrong signature" in the log), copy the OA secret key from the app\'s Webhook section',
    };
  return {
    status: 'ok',
    subject,
    text: 'the OA secret key looks well-formed (no spaces or quotes); only a real webhook delivery proves it is the right one',
  };
}

/** The OA id in a getoa answer, read from the text: as a JSON number it would lose digits. */
export function oaIdFromRaw(raw: string): string | undefined {
  return /"oa_id"\s*:\s*"?(\d+)"?/.exec(raw)?.[1];
}

export interface ZaloAnswer {
  code: number;
  message?: string;
  oaId?: string;
  name?: string;
}

export function readZaloAnswer(answer: HttpAnswer): ZaloAnswer {
  const body = (answer.data ?? {}) as { error?: number; message?: string; data?: { name?: string } };
  if (answer.status !== 200 || typeof body.error !== 'number')
    return { code: Number.NaN, message: `HTTP ${answer.status}: ${answer.raw.slice(0, 200)}` };
  return { code: body.error, message: body.message, oaId: oaIdFromRaw(answer.raw), name: body.data?.name };
}

/** What an OA call with an access token says about that token and the OA it belongs to. */
export function accessTokenLine(
  subject: string,
  configuredOaId: string,
  source: string,
  answer: ZaloAnswer,
): CheckLine {
  if (Number.isNaN(answer.code))
    return { status: 'unknown', subject, text: `could not reach the Zalo API (${answer.message})` };
  if (answer.code !== 0)
    return { status: 'fail', subject, text: `${source}: ${describeZaloError(answer.code, answer.message)}` };
  if (answer.oaId && answer.oaId !== configuredOaId)
    return {
      status: 'fail',
      subject,
      text: `${source} belongs to OA ${answer.oaId} ("${answer.name ?? '?'}"), not the configured OA ${configuredOaId}: authorise the app on the right OA, or correct the OA id`,
    };
  return {
    status: 'ok',
    subject,
    text: `${source} works${answer.oaId ? ' and belongs to this OA' : ''}${answer.name ? ` ("${answer.name}")` : ''}`,
  };
}

export function refreshFailedLine(subject: string, reason: string): CheckLine {
  return {
    status: 'fail',
    subject,
    text: `the refresh token was refused (${reason}): it was already used (each works once), is older than 3 months, the OA withdrew the app's permission, or the app id / app secret is wrong; an OA admin must re-authorise the OA, then store the new pair with --replace-tokens (${GUIDE}, "Re-authorise")`,
  };
}
