import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { Clock } from '../common/clock';
import { fromRoot } from '../common/project-root';
import { AppConfig } from '../config/app-config';
import { CampaignError, parseQuietHours, quietUntil } from '../campaigns/campaign-rules';
import { CampaignsService, type AudienceSummary } from '../campaigns/campaigns.service';
import { parseArgs, runCli, UsageError } from './cli-support';

const USAGE = `usage: npm run -s campaign:send -- --unit ID --plan-item ITEM --text-file FILE [--lang vi|en]
    [--title TEXT] [--channels messenger,zalo,web] [--topic TOPIC] [--button-url URL --button-title TEXT]
    [--dry-run | --queue-only]
  --dry-run     prints the audience by channel and rule; writes and sends nothing
  --queue-only  writes the approved campaign for the running service to send, and exits
  otherwise     sends it from this process (beside a running service, each message goes once)`;

const pad = (v: string | number, n: number) => String(v).padStart(n);

function audienceTable(rows: AudienceSummary[]): string {
  const lines = [
    `  ${'channel'.padEnd(10)} ${pad('to send', 8)} ${pad('promotion', 10)} ${pad('outside window', 15)} ${pad('not subscribed', 15)}`,
  ];
  for (const r of rows)
    lines.push(
      `  ${r.channel.padEnd(10)} ${pad(r.toSend, 8)} ${pad(r.byPromotion, 10)} ${pad(r.outsideWindow, 15)} ${pad(r.notSubscribed, 15)}`,
    );
  return lines.join('\n');
}

/** npm run -s campaign:send: one campaign from a text file, within the platforms' rules. */
async function main(): Promise<number> {
  const args = parseArgs(
    process.argv.slice(2),
    [
      'unit',
      'plan-item',
      'text-file',
      'lang',
      'title',
      'channels',
      'topic',
      'button-url',
      'button-title',
      'dry-run',
      'queue-only',
    ],
    USAGE,
  );
  const unitId = args.get('unit');
  const planItem = args.get('plan-item');
  const file = args.get('text-file');
  const language = args.get('lang') ?? 'vi';
  if (!unitId || !planItem || !file) throw new UsageError(USAGE);
  if (language !== 'vi' && language !== 'en') throw new UsageError(`--lang must be vi or en\n${USAGE}`);
  if (args.has('dry-run') && args.has('queue-only'))
    throw new UsageError(`--dry-run or --queue-only, not both\n${USAGE}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --text-file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const buttonTitle = args.get('button-title') ?? null;
  const input = {
    unitId,
    planItem,
    title: args.get('title') ?? `${planItem} (${new Date().toISOString().slice(0, 10)})`,
    textVi: language === 'vi' ? text : null,
    textEn: language === 'en' ? text : null,
    buttonUrl: args.get('button-url') ?? null,
    buttonTitleVi: language === 'vi' ? buttonTitle : null,
    buttonTitleEn: language === 'en' ? buttonTitle : null,
    channels: args.get('channels')?.split(',').filter(Boolean) ?? [],
    language,
    topic: args.get('topic') ?? null,
  };

  const envFile = fromRoot('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  // This process may run beside the service: it takes over only rows whose lease expired.
  process.env.QUEUE_EXCLUSIVE_START = 'false';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the environment is set
  const { AppModule } = require('../app.module') as typeof import('../app.module');
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const campaigns = app.get(CampaignsService);
    const clock = app.get(Clock);
    const config = app.get(AppConfig);
    const checked = campaigns.check(input);
    const filter = campaigns.audienceFilter({
      ...checked,
      channels: checked.channels.length ? `,${checked.channels.join(',')},` : '',
    });
    const audience = await campaigns.preview({ ...filter, channels: `,${filter.channels.join(',')},` });
    const quota = await campaigns.promotionQuota(unitId);
    process.stdout.write(
      [
        `campaign for ${unitId}, plan item ${planItem}, in ${language}${checked.topic ? `, topic ${checked.topic}` : ''}`,
        `audience now (channels the unit can reach: ${filter.channels.join(', ') || 'none'}):`,
        audienceTable(audience),
        `  Zalo promotion messages this month: ${quota.quota ? `${quota.remaining} of ${quota.quota} left` : 'no quota configured (ZALO_PROMOTION_QUOTA / zalo.promotionQuota)'}`,
        '',
      ].join('\n'),
    );
    if (args.has('dry-run')) {
      process.stdout.write('dry run: nothing written, nothing sent\n');
      return 0;
    }
    const operator = `cli:${userInfo().username}@${hostname()}`;
    const campaign = await campaigns.createApproved(input, operator);
    process.stdout.write(`campaign #${campaign.id} written, approved by ${operator}\n`);
    if (args.has('queue-only')) {
      process.stdout.write("queued: the running service sends it (see the console's campaign page)\n");
      return 0;
    }
    const quiet = parseQuietHours(config.env.CAMPAIGN_QUIET_HOURS);
    let last = '';
    for (;;) {
      const now = clock.now();
      const current = (await campaigns.find(campaign.id))!;
      const counts = await campaigns.progress(campaign.id);
      const total = (state: string) =>
        counts.filter((c) => c.state === state).reduce((n, c) => n + c.count, 0);
      const line = `  ${current.status}: sent ${total('sent')}, to send ${total('pending') + total('queued')}, outside the window ${total('outside_window')}, not subscribed ${total('not_subscribed')}, failed ${total('failed') + total('unreachable')}`;
      if (line !== last) process.stdout.write(`${line}\n`);
      last = line;
      if (current.status === 'done' || current.status === 'cancelled')
        return total('failed') + total('unreachable') ? 1 : 0;
      const until = quietUntil(now, quiet);
      if (until) {
        process.stdout.write(
          `quiet hours (${config.env.CAMPAIGN_QUIET_HOURS}, Vietnam time): the running service goes on at ${until.toISOString()}\n`,
        );
        return 0;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } catch (error) {
    if (error instanceof CampaignError)
      throw new UsageError(`${error.field ? `${error.field}: ` : ''}${error.message}`);
    throw error;
  } finally {
    await app.close();
  }
}

runCli('campaign:send', main);
