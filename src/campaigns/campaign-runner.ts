import { randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { errorMessage } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { DatabaseService } from '../database/database.service';
import { I18nService } from '../i18n/i18n.service';
import { InteractionsService, type InteractionDraft } from '../interactions/interactions.service';
import type { ChannelName } from '../messaging/inbound-event';
import { MetricsService } from '../metrics/metrics.service';
import type { Language } from '../messaging/language';
import type { OutboundMessage } from '../messaging/outbound-message';
import type { PlanItem } from '../messaging/plan-item';
import { UNSUBSCRIBE_PAYLOAD } from '../messaging/subscription-payloads';
import { OutboxService, type DeliveryOutcome } from '../outbox/outbox.service';
import type { RecipientState } from './campaign-recipient.entity';
import { CampaignRepository, type PendingRecipient } from './campaign.repository';
import { CampaignEntity } from './campaign.entity';
import { parseQuietHours, quietUntil } from './campaign-rules';
import { CampaignsService } from './campaigns.service';

const TICK_MS = 1000;
const LEASE_MS = 30_000;
/** The outbox's sourceRef prefix of campaign messages: "campaign-recipient:<recipient id>". */
export const RECIPIENT_REF = 'campaign-recipient';

/**
 * Sends approved campaigns. One instance holds a campaign at a time (a lease on its row); its
 * recipients are written once, then handed to the outbox a few at a time at each channel's rate,
 * never in quiet hours. A recipient moves pending → queued in the transaction that writes its outbox
 * row, and queued → sent (with its evidence record) in the one that records the delivery: after a
 * restart nobody is sent twice and nobody is skipped.
 */
@Injectable()
export class CampaignRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CampaignRunner.name);
  private readonly owner = randomUUID();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  /** Campaigns whose recipients this instance wrote (or found written) since it took them. */
  private readonly expanded = new Set<number>();
  /** Messages each channel may still be handed this minute (refilled every tick). */
  private readonly budget = new Map<string, number>();
  private lastRefill = 0;

  constructor(
    private readonly repository: CampaignRepository,
    private readonly campaigns: CampaignsService,
    private readonly outbox: OutboxService,
    private readonly interactions: InteractionsService,
    private readonly i18n: I18nService,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    outbox.onOutcome(RECIPIENT_REF, (manager, outcomes) => this.recordOutcomes(manager, outcomes));
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error) => this.logger.error({ msg: 'campaign run failed', error: errorMessage(error) }))
        .finally(() => this.schedule());
    }, TICK_MS);
    this.timer.unref();
  }

  /** One round: every due campaign this instance can hold gets its share of each channel's rate. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    this.refill(now);
    for (const campaign of await this.repository.due(now, this.owner)) {
      if (this.stopped) return;
      await this.work(campaign, now);
    }
  }

  /** Works one campaign for one round; returns the recipients handed to the outbox. */
  async work(campaign: CampaignEntity, now: Date): Promise<number> {
    if (!(await this.repository.lease(campaign.id, this.owner, now, new Date(now.getTime() + LEASE_MS)))) {
      this.expanded.delete(campaign.id);
      return 0;
    }
    const filter = this.campaigns.audienceFilter(campaign);
    if (!this.expanded.has(campaign.id)) {
      const added = await this.repository.expand(campaign, filter, now);
      this.expanded.add(campaign.id);
      if (added)
        this.logger.log({ msg: 'campaign audience written', campaign: campaign.id, recipients: added });
    }
    if (quietUntil(now, parseQuietHours(this.config.env.CAMPAIGN_QUIET_HOURS))) return 0;
    let handed = 0;
    for (const channel of filter.channels) {
      const allowance = Math.floor(this.budget.get(channel) ?? 0);
      if (allowance <= 0) continue;
      const batch = await this.repository.pending(campaign.id, channel, Math.min(allowance, 200));
      if (!batch.length) continue;
      const queued = await this.hand(campaign, batch, now);
      this.budget.set(channel, (this.budget.get(channel) ?? 0) - batch.length);
      handed += queued;
      if (queued) this.outbox.notify([channel]);
    }
    if ((await this.repository.open(campaign.id)) === 0) {
      await this.repository.transition(campaign.id, ['sending'], {
        status: 'done',
        finishedAt: now,
        updatedAt: now,
        owner: null,
        leaseUntil: null,
      });
      this.expanded.delete(campaign.id);
      this.logger.log({ msg: 'campaign done', campaign: campaign.id });
    }
    return handed;
  }

  /** Decides each recipient (send by which route, or outside the window) and writes its outbox row. */
  private async hand(campaign: CampaignEntity, batch: PendingRecipient[], now: Date): Promise<number> {
    let promotionLeft = (await this.campaigns.promotionQuota(campaign.unitId, now)).remaining;
    return this.db.transaction(async (manager) => {
      let queued = 0;
      for (const r of batch) {
        const route = this.campaigns.route(
          campaign.unitId,
          r.channel,
          r.lastUserMessageAt,
          promotionLeft > 0,
        );
        if (!route) {
          const window = this.outbox.replyWindow(r.channel, {
            unitId: campaign.unitId,
            userMessageAt: r.lastUserMessageAt,
            origin: 'campaign',
          });
          await this.repository.setState(
            manager,
            r.id,
            ['pending'],
            'outside_window',
            { reason: window.open ? null : window.error },
            now,
          );
          continue;
        }
        if (route === 'promotion') promotionLeft--;
        if (!(await this.repository.setState(manager, r.id, ['pending'], 'queued', { route }, now))) continue;
        const [row] = await this.outbox.enqueue(manager, [
          {
            unitId: campaign.unitId,
            channel: r.channel,
            conversationId: r.conversationId,
            recipientId: r.recipientId,
            inboxEventId: null,
            userMessageAt: r.lastUserMessageAt,
            position: 0,
            origin: route === 'promotion' ? 'promo' : 'campaign',
            message: this.message(campaign, r.language),
            sourceRef: `${RECIPIENT_REF}:${r.id}`,
          },
        ]);
        await this.repository.setState(manager, r.id, ['queued'], 'queued', { outboxId: row.id }, now);
        queued++;
      }
      return queued;
    });
  }

  /** The language a recipient is written to: the campaign's, else his own when the text exists. */
  static languageFor(
    campaign: Pick<CampaignEntity, 'language' | 'textVi' | 'textEn'>,
    own: string,
  ): Language {
    if (campaign.language === 'vi' || campaign.language === 'en') return campaign.language;
    if (own === 'en' && campaign.textEn) return 'en';
    return campaign.textVi ? 'vi' : 'en';
  }

  message(campaign: CampaignEntity, own: string): OutboundMessage {
    const language = CampaignRunner.languageFor(campaign, own);
    const text = (language === 'en' ? campaign.textEn : campaign.textVi)!;
    const buttonTitle = language === 'en' ? campaign.buttonTitleEn : campaign.buttonTitleVi;
    return {
      text,
      title: campaign.title,
      language,
      ...(campaign.buttonUrl && buttonTitle
        ? { buttons: [{ title: buttonTitle, url: campaign.buttonUrl }] }
        : {}),
      quickReplies: [
        {
          title: this.i18n.t(language, { key: 'campaign:unsubscribe_button' }),
          payload: UNSUBSCRIBE_PAYLOAD,
        },
      ],
    };
  }

  /** Inside the transaction that records the deliveries: each recipient's result, and the evidence of each send. */
  private async recordOutcomes(manager: EntityManager, outcomes: DeliveryOutcome[]): Promise<void> {
    const byId = new Map(outcomes.map((o) => [Number(o.sourceRef.slice(RECIPIENT_REF.length + 1)), o]));
    const recipients = await this.repository.recipients([...byId.keys()], manager);
    const campaigns = new Map<number, CampaignEntity | null>();
    const drafts: InteractionDraft[] = [];
    const ended: { unitId: string; channel: string; state: RecipientState }[] = [];
    for (const r of recipients) {
      const outcome = byId.get(r.id)!;
      const state: RecipientState =
        outcome.status === 'sent'
          ? 'sent'
          : outcome.status === 'window_closed'
            ? 'outside_window'
            : outcome.status === 'unreachable'
              ? 'unreachable'
              : 'failed';
      const sent = state === 'sent';
      const moved = await this.repository.setState(
        manager,
        r.id,
        ['queued'],
        state,
        { sentAt: sent ? outcome.at : null, reason: sent ? null : outcome.error },
        outcome.at,
      );
      if (moved) ended.push({ unitId: r.unitId, channel: r.channel, state });
      if (!moved || !sent) continue;
      if (!campaigns.has(r.campaignId))
        campaigns.set(
          r.campaignId,
          await manager.getRepository(CampaignEntity).findOneBy({ id: r.campaignId }),
        );
      const campaign = campaigns.get(r.campaignId);
      if (!campaign) continue;
      const language = CampaignRunner.languageFor(campaign, r.language);
      drafts.push({
        unitId: r.unitId,
        occurredAt: outcome.at,
        channel: r.channel as ChannelName,
        conversationId: r.conversationId,
        userId: r.recipientId,
        language,
        intent: 'campaign',
        topic: campaign.topic,
        confidence: null,
        userText: null,
        keepText: false,
        replyText: (language === 'en' ? campaign.textEn : campaign.textVi) ?? '',
        replyKeys: [`campaign:${campaign.id}`, `route:${r.route ?? ''}`],
        planItems: [campaign.planItem as PlanItem],
        outcome: 'campaign',
        satisfaction: null,
        latencyMs: 0,
        inboxEventId: null,
        audience: 'public',
        kind: 'campaign',
        sourceKey: `${RECIPIENT_REF}:${r.id}`,
        contentVersion: campaign.contentVersion,
      });
    }
    await this.interactions.appendMany(manager, drafts);
    // Counted once the batch is recorded: a listener undone by its savepoint counts nothing.
    for (const e of ended) this.metrics.campaignMessage(e.unitId, e.channel, e.state);
  }

  /** Each channel's allowance grows with the time passed, up to one minute's worth. */
  private refill(now: Date): void {
    const perMinute: Record<string, number> = {
      messenger: this.config.env.CAMPAIGN_MESSENGER_PER_MINUTE,
      zalo: this.config.env.CAMPAIGN_ZALO_PER_MINUTE,
      web: this.config.env.CAMPAIGN_WEB_PER_MINUTE,
    };
    const elapsed = this.lastRefill ? Math.min(60_000, now.getTime() - this.lastRefill) : 60_000;
    this.lastRefill = now.getTime();
    for (const [channel, rate] of Object.entries(perMinute)) {
      const current = this.budget.get(channel) ?? 0;
      this.budget.set(channel, Math.min(rate, current + (rate * Math.max(0, elapsed)) / 60_000));
    }
  }
}
