import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { OutboxService } from '../outbox/outbox.service';
import { UnitsService } from '../units/units.service';
import type { Unit } from '../units/unit';
import type { CampaignRecipientEntity, RecipientState } from './campaign-recipient.entity';
import { CampaignRepository, type AudienceFilter, type StateCount } from './campaign.repository';
import type { CampaignEntity } from './campaign.entity';
import {
  CAMPAIGN_CHANNELS,
  CampaignError,
  campaignContentVersion,
  monthStart,
  validateCampaign,
  type CampaignInput,
} from './campaign-rules';

/** The audience of a campaign by channel and rule, as a dry run or the console's preview shows it. */
export interface AudienceSummary {
  channel: string;
  toSend: number;
  /** Zalo users outside the 7-day window reached by a promotion message (paid from the quota). */
  byPromotion: number;
  outsideWindow: number;
  notSubscribed: number;
}

export interface PromotionQuota {
  /** Per calendar month (Vietnam time); 0 = the OA has no promotion package configured. */
  quota: number;
  used: number;
  remaining: number;
}

/**
 * Campaigns: staff draft one, an admin (not the author) approves it, it is sent now or at its
 * scheduled time by the runner, within each platform's rules. Every step is checked here, whoever
 * calls (console or CLI).
 */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly repository: CampaignRepository,
    private readonly units: UnitsService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** gov.vn and its subdomains, the units' own websites, and CAMPAIGN_LINK_DOMAINS. */
  allowedDomains(): string[] {
    const domains = new Set(['gov.vn']);
    for (const unit of this.units.all()) {
      try {
        if (unit.website && unit.website !== 'TO_FILL')
          domains.add(new URL(unit.website).hostname.toLowerCase());
      } catch {
        // A website the units file let through but URL cannot parse adds nothing.
      }
    }
    for (const d of this.config.env.CAMPAIGN_LINK_DOMAINS.split(',')) if (d) domains.add(d.toLowerCase());
    return [...domains];
  }

  /** The campaign as it would be stored, or the CampaignError that keeps it from being written. */
  check(input: CampaignInput): ReturnType<typeof validateCampaign> {
    return validateCampaign(input, {
      unitIds: this.units.all().map((u) => u.id),
      allowedDomains: this.allowedDomains(),
    });
  }

  /**
   * The server operator's campaign (campaign:send): whoever can run commands on the server is the
   * approver, and the record says so; the console keeps the rule that an author never approves.
   */
  async createApproved(input: CampaignInput, operator: string): Promise<CampaignEntity> {
    const draft = await this.createDraft(input, operator, 'cli');
    const now = this.clock.now();
    await this.repository.transition(draft.id, ['draft'], {
      status: 'approved',
      approvedBy: operator,
      approvedAt: now,
      scheduledAt: input.scheduledAt ?? now,
      updatedAt: now,
    });
    return this.mustFind(draft.id);
  }

  async createDraft(input: CampaignInput, actor: string, source: 'console' | 'cli'): Promise<CampaignEntity> {
    const v = this.check(input);
    const now = this.clock.now();
    if (v.scheduledAt && v.scheduledAt.getTime() < now.getTime() - 60_000)
      throw new CampaignError('schedule_in_past', 'the scheduled time is in the past', 'scheduledAt');
    return this.repository.insert({
      unitId: v.unitId,
      title: v.title,
      planItem: v.planItem,
      textVi: v.textVi,
      textEn: v.textEn,
      buttonUrl: v.buttonUrl,
      buttonTitleVi: v.buttonTitleVi,
      buttonTitleEn: v.buttonTitleEn,
      channels: v.channels.length ? `,${v.channels.sort().join(',')},` : '',
      language: v.language,
      topic: v.topic,
      status: 'draft',
      contentVersion: campaignContentVersion(v),
      source,
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
      approvedBy: null,
      approvedAt: null,
      scheduledAt: v.scheduledAt,
      startedAt: null,
      finishedAt: null,
      owner: null,
      leaseUntil: null,
      note: null,
    });
  }

  find(id: number): Promise<CampaignEntity | null> {
    return this.repository.find(id);
  }

  list(unitIds: string[]): Promise<CampaignEntity[]> {
    return this.repository.list(unitIds);
  }

  /**
   * An admin other than the author approves a draft; it is then sent at its scheduled time, or at
   * once (`sendNow`), or waits for an explicit "send now" when it has neither.
   */
  async approve(
    id: number,
    actor: string,
    when: { sendNow?: boolean; scheduledAt?: Date | null } = {},
  ): Promise<CampaignEntity> {
    const campaign = await this.mustFind(id);
    if (campaign.status !== 'draft')
      throw new CampaignError('not_draft', `campaign ${id} is ${campaign.status}, not a draft`);
    if (campaign.createdBy === actor)
      throw new CampaignError(
        'self_approval',
        'a campaign must be approved by someone other than its author',
      );
    const now = this.clock.now();
    const scheduledAt = when.sendNow ? now : (when.scheduledAt ?? campaign.scheduledAt ?? null);
    if (scheduledAt && scheduledAt.getTime() < now.getTime() - 60_000 && !when.sendNow)
      throw new CampaignError('schedule_in_past', 'the scheduled time is in the past', 'scheduledAt');
    const ok = await this.repository.transition(id, ['draft'], {
      status: 'approved',
      approvedBy: actor,
      approvedAt: now,
      // Approved without a time: held until someone presses "send now".
      scheduledAt,
      updatedAt: now,
    });
    if (!ok) throw new CampaignError('not_draft', `campaign ${id} changed meanwhile`);
    return this.mustFind(id);
  }

  /** An approved campaign goes out now instead of at its scheduled time. */
  async sendNow(id: number): Promise<CampaignEntity> {
    const campaign = await this.mustFind(id);
    if (campaign.status === 'draft')
      throw new CampaignError('not_approved', 'a campaign is sent only once it is approved');
    if (campaign.status !== 'approved')
      throw new CampaignError('not_approved', `campaign ${id} is already ${campaign.status}`);
    const now = this.clock.now();
    await this.repository.transition(id, ['approved'], { scheduledAt: now, updatedAt: now });
    return this.mustFind(id);
  }

  /** Stops a campaign: drafts and approved ones never go; a sending one stops before its next message. */
  async cancel(id: number, actor: string): Promise<CampaignEntity> {
    const campaign = await this.mustFind(id);
    const now = this.clock.now();
    const ok = await this.repository.transition(id, ['draft', 'approved', 'sending'], {
      status: 'cancelled',
      finishedAt: now,
      updatedAt: now,
      note: `cancelled by ${actor}`,
    });
    if (!ok) throw new CampaignError('not_cancellable', `campaign ${id} is already ${campaign.status}`);
    return this.mustFind(id);
  }

  progress(id: number): Promise<StateCount[]> {
    return this.repository.counts(id);
  }

  /** Recipients by state of each campaign given (campaigns without recipients are absent). */
  async stateTotals(ids: number[]): Promise<Map<number, Partial<Record<RecipientState, number>>>> {
    const out = new Map<number, Partial<Record<RecipientState, number>>>();
    for (const row of await this.repository.stateTotals(ids)) {
      const totals = out.get(row.campaignId) ?? {};
      totals[row.state] = (totals[row.state] ?? 0) + row.count;
      out.set(row.campaignId, totals);
    }
    return out;
  }

  recipients(ids: number[]): Promise<CampaignRecipientEntity[]> {
    return this.repository.recipients(ids);
  }

  async promotionQuota(unitId: string, at: Date = this.clock.now()): Promise<PromotionQuota> {
    const quota = this.quotaOf(this.units.get(unitId));
    const used = quota ? await this.repository.promotionsSince(unitId, monthStart(at)) : 0;
    return { quota, used, remaining: Math.max(0, quota - used) };
  }

  private quotaOf(unit: Unit | undefined): number {
    if (!unit) return 0;
    if (unit.zalo) return unit.zalo.promotionQuota ?? 0;
    return unit.id === this.units.defaultUnit().id ? this.config.env.ZALO_PROMOTION_QUOTA : 0;
  }

  /** Who the campaign is for: its channels (every one the unit can reach when none is named). */
  audienceFilter(
    campaign: Pick<CampaignEntity, 'unitId' | 'channels' | 'language' | 'topic'>,
  ): AudienceFilter {
    const named = campaign.channels.split(',').filter(Boolean);
    const channels = (named.length ? named : [...CAMPAIGN_CHANNELS]).filter((c) =>
      this.reachable(campaign.unitId, c),
    );
    return { unitId: campaign.unitId, channels, language: campaign.language, topic: campaign.topic };
  }

  /** A unit reaches a channel when it is configured (a page, an OA) or, for the web chat, public. */
  reachable(unitId: string, channel: string): boolean {
    if (channel === 'web') return this.units.get(unitId)?.webChat === 'public';
    const window = this.outbox.replyWindow(channel, { unitId, userMessageAt: null, origin: 'campaign' });
    return window.open || window.reason !== 'no_account';
  }

  /** The audience now, by channel and rule; writes nothing. */
  async preview(
    campaign: Pick<CampaignEntity, 'unitId' | 'channels' | 'language' | 'topic'>,
  ): Promise<AudienceSummary[]> {
    const filter = this.audienceFilter(campaign);
    const rows = await this.repository.preview(filter);
    let remaining = (await this.promotionQuota(campaign.unitId)).remaining;
    const out = new Map<string, AudienceSummary>(
      filter.channels.map((c) => [
        c,
        { channel: c, toSend: 0, byPromotion: 0, outsideWindow: 0, notSubscribed: 0 },
      ]),
    );
    for (const row of rows) {
      const s = out.get(row.channel)!;
      if (!row.subscribed) s.notSubscribed++;
      else {
        const route = this.route(campaign.unitId, row.channel, row.lastUserMessageAt, remaining > 0);
        if (route === 'promotion') {
          s.byPromotion++;
          remaining--;
        } else if (route) s.toSend++;
        else s.outsideWindow++;
      }
    }
    return [...out.values()];
  }

  /**
   * How a subscriber can be reached now: inside the platform's window as an ordinary message; a Zalo
   * user outside it by a promotion message when the quota allows; otherwise not at all (null).
   */
  route(
    unitId: string,
    channel: string,
    lastUserMessageAt: Date | null,
    promotionLeft: boolean,
  ): 'update' | 'consultation' | 'promotion' | 'web' | null {
    if (channel === 'web') return 'web';
    const window = this.outbox.replyWindow(channel, {
      unitId,
      userMessageAt: lastUserMessageAt,
      origin: 'campaign',
    });
    if (window.open) return channel === 'zalo' ? 'consultation' : 'update';
    if (channel === 'zalo' && window.reason !== 'no_account' && promotionLeft) return 'promotion';
    return null;
  }

  private async mustFind(id: number): Promise<CampaignEntity> {
    const campaign = await this.repository.find(id);
    if (!campaign) throw new CampaignError('not_found', `no campaign ${id}`);
    return campaign;
  }
}
