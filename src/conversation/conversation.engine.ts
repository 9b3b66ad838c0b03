import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { errorMessage } from '../common/errors';
import { backgroundSlice } from '../common/event-loop-slice';
import { TurnTaking } from '../common/turn-taking';
import { SecretBox } from '../common/secret-box';
import { AppConfig } from '../config/app-config';
import { DatabaseService } from '../database/database.service';
import { I18nService, type RenderedReply } from '../i18n/i18n.service';
import type { InboxAck, InboxHandler } from '../inbox/inbox.worker';
import { InboxWorker } from '../inbox/inbox.worker';
import { InteractionsService } from '../interactions/interactions.service';
import type { InboundEvent } from '../messaging/inbound-event';
import {
  INTENTS,
  type ConversationView,
  type Intent,
  type TurnContext,
  type TurnInput,
} from '../messaging/intent';
import { isLanguage, type Language } from '../messaging/language';
import type { PlanItem } from '../messaging/plan-item';
import type { ConversationEffect, Reply } from '../messaging/reply';
import { CONTENT_INTENTS } from '../messaging/understanding';
import type { TurnResult } from '../messaging/turn-result';
import { MetricsService } from '../metrics/metrics.service';
import { NluService } from '../nlu/nlu.service';
import { OutboxService } from '../outbox/outbox.service';
import { localMidnight } from '../units/office-hours';
import { audienceOf, type Unit } from '../units/unit';
import { UnitsService } from '../units/units.service';
import type { SubscriptionEntity } from '../subscriptions/subscription.entity';
import { decodeTopics, SubscriptionsService } from '../subscriptions/subscriptions.service';
import { ConversationEntity } from './conversation.entity';
import { ConcurrentTurnError, ConversationRepository } from './conversation.repository';
import { TurnCommitter } from './turn-committer';
import { CONTEXT_MINUTES, route, type Route } from './turn-router';

const EMPTY_TURN_INTENT = 'none';

/** The fewest buttons a platform shows on one message (Zalo: 5, quick replies included). */
const FEWEST_BUTTONS = 5;

/**
 * One turn: understand → decide → reply → render → record, then the outbox. Everything the turn
 * writes (conversation, interaction record, outbox, inbox status) commits in one transaction, so a
 * crash leaves either the whole turn or none of it, and a re-run never answers twice.
 */
@Injectable()
export class ConversationEngine implements InboxHandler, OnModuleInit {
  private readonly logger = new Logger(ConversationEngine.name);
  private readonly intents = new Map<string, Intent>();
  private readonly contacts: SecretBox;
  private readonly turns = new TurnTaking(() => backgroundSlice.nextLoopTurn());

  constructor(
    @Inject(INTENTS) intents: Intent[],
    private readonly nlu: NluService,
    private readonly i18n: I18nService,
    private readonly units: UnitsService,
    private readonly interactions: InteractionsService,
    private readonly outbox: OutboxService,
    private readonly conversations: ConversationRepository,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly worker: InboxWorker,
    private readonly committer: TurnCommitter,
    private readonly subscriptions: SubscriptionsService,
    private readonly metrics: MetricsService,
  ) {
    for (const intent of intents) this.intents.set(intent.name, intent);
    this.contacts = new SecretBox(config.serverSecret('USER_KEY_SECRET'), 'contact-v1');
  }

  onModuleInit(): void {
    this.worker.setHandler(this);
  }

  handle(event: InboundEvent, inboxEventId: number, ack: InboxAck): Promise<TurnResult> {
    return this.committer.during(async () => {
      // One turn per loop iteration: webhooks are read between any two turns (see TurnTaking).
      await this.turns.next();
      return this.handleWithRetry(event, inboxEventId, ack);
    });
  }

  private async handleWithRetry(
    event: InboundEvent,
    inboxEventId: number,
    ack: InboxAck,
  ): Promise<TurnResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.turn(event, inboxEventId, ack);
      } catch (error) {
        // Another instance took a turn of the same conversation meanwhile: redo ours on fresh state.
        if (error instanceof ConcurrentTurnError && attempt < 3) continue;
        throw error;
      }
    }
  }

  async resultOf(inboxEventId: number): Promise<TurnResult | null> {
    const record = await this.interactions.byInboxEvent(inboxEventId);
    const messages = await this.outbox.byInboxEvent(inboxEventId);
    if (!record)
      return messages.length
        ? null
        : { inboxEventId, replies: [], intent: EMPTY_TURN_INTENT, language: 'vi' };
    return {
      inboxEventId,
      replies: messages.map((m) => m.message),
      intent: record.intent,
      topic: record.topic ?? undefined,
      language: isLanguage(record.language) ? record.language : 'vi',
    };
  }

  private async turn(event: InboundEvent, inboxEventId: number, ack: InboxAck): Promise<TurnResult> {
    const started = performance.now();
    const now = this.clock.now();
    const unit = this.units.get(event.unitId);
    if (!unit) {
      // The unit left the units file after the event was accepted: keep the row, answer nothing.
      await this.db.transaction((m) => ack.complete(m, null));
      return { inboxEventId, replies: [], intent: EMPTY_TURN_INTENT, language: 'vi' };
    }

    const existing = await this.conversations.findByUser(unit.id, event.channel, event.userId);
    const conversation = existing ?? this.newConversation(unit, event, now);
    const readTurnCount = existing ? existing.turnCount : null;

    if (event.kind === 'handover') {
      // Staff answered on the platform itself: the bot steps back as after a hand-off request.
      conversation.handoffAt = now;
      conversation.handoffUntil = new Date(now.getTime() + this.config.env.HANDOFF_HOURS * 3600_000);
      conversation.updatedAt = now;
      await this.db.transaction(async (m) => {
        await this.conversations.saveTurn(m, conversation, readTurnCount);
        await ack.complete(m, null);
      });
      return {
        inboxEventId,
        replies: [],
        intent: EMPTY_TURN_INTENT,
        language: this.languageOf(conversation),
      };
    }

    if (event.kind === 'unfollow') {
      // Not a turn: nothing to answer, nothing to record as propaganda.
      await this.db.transaction((m) => ack.complete(m, null));
      return {
        inboxEventId,
        replies: [],
        intent: EMPTY_TURN_INTENT,
        language: this.languageOf(conversation),
      };
    }

    const view = this.view(conversation, !existing, now);
    const text = event.text?.trim() ? event.text : undefined;
    // A tapped button's title is our own text in the conversation's language: only typed text is understood.
    const understanding =
      text && event.kind === 'text'
        ? this.nlu.understand(text, {
            language: conversation.languageSettled ? this.languageOf(conversation) : undefined,
            languageHint: existing ? this.languageOf(conversation) : event.languageHint,
            ...this.topicContext(conversation, view),
          })
        : undefined;
    const input: TurnInput = { kind: event.kind, text, payload: event.payload, understanding };
    let decided = route(input, view, new Set(this.intents.keys()));
    // Read only when the turn is about it: every other turn costs no extra query.
    if (decided.intent === 'subscription')
      view.subscription = existing
        ? subscriptionView(await this.subscriptions.findByConversation(conversation.id))
        : null;
    const scope: TurnScope = { turnId: turnIdOf(inboxEventId), unit, view, input, now };
    let language: Language = understanding?.language ?? this.languageOf(conversation);

    const handedOff = !!conversation.handoffUntil && conversation.handoffUntil.getTime() > now.getTime();
    let reply: Reply;
    if (handedOff && decided.intent !== 'emergency' && !reachesBotWhileHandedOff(decided)) {
      // A person has the conversation: the bot stays silent and keeps the record, as the person's turn
      // (what the citizen writes now is for staff, whatever the classifier would have made of it).
      // Thanks stay thanks; a plain "yes" or anything else is an answer to the person.
      const thanks = decided.intent === 'greeting' && decided.topic === 'thanks';
      if (!thanks) decided = { intent: 'human', topic: 'handed_off', via: decided.via };
      reply = { messages: [], outcome: 'handoff', planItems: [], topic: decided.topic ?? 'handed_off' };
    } else {
      reply = await this.ask(scope, decided, language);
    }

    const effects = this.applyEffects(reply, conversation, now);
    // Whoever asked about the news (even "stop" when not subscribed) has nothing left to be offered.
    if (decided.intent === 'subscription') conversation.subscriptionOfferedAt ??= now;
    if (effects.language) language = effects.language;
    conversation.language = language;
    if (effects.language || understanding?.languageSure) conversation.languageSettled = true;

    if (!handedOff) await this.addFollowUps(scope, reply, decided, conversation, language);

    const rendered = this.render(reply, language, unit, now);
    // The proof of consent: the confirmation exactly as the citizen is shown it, and how it was given.
    const news = effects.news;
    const consentWording =
      news?.type === 'subscribe' && rendered.messages.length
        ? `${rendered.messages[0].text}\n(consent given by ${news.source === 'quick_reply' ? 'quick reply' : 'typed message'})`
        : '';
    const planItems = new Set<PlanItem>(reply.planItems);
    if (language === 'en' && rendered.messages.length) planItems.add('english_programme');

    this.updateState(conversation, decided, reply, event, now);

    const keepText = conversation.consent === 'granted';
    const latencyMs = performance.now() - started;
    await this.committer.commit({
      write: async (manager) => {
        await this.conversations.saveTurn(manager, conversation, readTurnCount);
        if (news?.type === 'subscribe')
          await this.subscriptions.subscribe(
            manager,
            conversation,
            news.topics,
            consentWording,
            news.source,
            now,
          );
        else if (news?.type === 'unsubscribe')
          await this.subscriptions.unsubscribe(manager, conversation.id, now);
        // Asking to delete one's data ends the subscription at once, its consent record with it.
        if (effects.removeSubscription)
          await this.subscriptions.removeForConversation(manager, conversation.id);
        for (const request of effects.staffRequests) {
          await this.conversations.addStaffRequest(manager, {
            unitId: unit.id,
            conversationId: conversation.id,
            kind: request.kind,
            contact: request.contact ? this.contacts.encrypt(request.contact) : null,
            createdAt: now,
          });
        }
        await this.outbox.enqueue(
          manager,
          rendered.messages.map((message, position) => ({
            unitId: unit.id,
            channel: event.channel,
            conversationId: conversation.id,
            recipientId: event.userId,
            inboxEventId,
            userMessageAt: event.occurredAt,
            position,
            origin: 'bot',
            message,
          })),
        );
        // Without consent the inbox keeps no text either, only that the event was handled.
        await ack.complete(manager, keepText ? this.redactOrNull(text) : null);
      },
      record: {
        unitId: unit.id,
        occurredAt: now,
        channel: event.channel,
        conversationId: conversation.id,
        userId: event.userId,
        language,
        intent: decided.intent,
        topic: reply.topic ?? decided.topic ?? null,
        confidence:
          decided.via === 'classifier' || decided.via === 'context'
            ? (understanding?.confidence ?? null)
            : null,
        userText: text ?? null,
        keepText,
        replyText: rendered.messages.map((m) => m.text).join('\n\n'),
        replyKeys: rendered.keys,
        planItems: [...planItems],
        outcome: reply.outcome,
        satisfaction: effects.satisfaction,
        latencyMs,
        inboxEventId,
        audience: audienceOf(unit, event.channel),
        unitDetailsHash: unit.detailsHash,
      },
    });
    if (rendered.messages.length) this.outbox.notify([event.channel]);
    // After the commit: a turn undone (lease lost, conflict redone) is not counted.
    this.metrics.turnEnded(
      unit.id,
      event.channel,
      this.intents.has(decided.intent) ? decided.intent : 'other',
      (performance.now() - started) / 1000,
    );

    return {
      inboxEventId,
      replies: rendered.messages,
      intent: decided.intent,
      topic: reply.topic ?? decided.topic,
      language,
    };
  }

  private async ask(scope: TurnScope, decided: Route, language: Language): Promise<Reply> {
    const intent = this.intents.get(decided.intent) ?? this.intents.get('fallback');
    try {
      if (!intent) throw new Error(`no intent module for ${decided.intent}`);
      return await intent.handle(this.contextFor(scope, language, decided.topic, decided.arg));
    } catch (error) {
      this.logger.error({
        msg: 'intent failed',
        intent: decided.intent,
        topic: decided.topic,
        error: errorMessage(error),
      });
      return this.errorReply(decided.intent === 'emergency');
    }
  }

  /** What an intent sees of this turn, in the language it answers in. */
  private contextFor(scope: TurnScope, language: Language, topic?: string, arg?: string): TurnContext {
    return {
      turnId: scope.turnId,
      unit: this.units.view(scope.unit, language, scope.now),
      conversation: { ...scope.view, language },
      input: scope.input,
      topic,
      arg,
      now: scope.now,
    };
  }

  private errorReply(emergency: boolean): Reply {
    return {
      messages: [{ text: [{ key: emergency ? 'common:error_emergency' : 'common:error' }] }],
      outcome: emergency ? 'emergency' : 'fallback',
      topic: 'error',
      planItems: [],
    };
  }

  /** The privacy notice on first contact; the satisfaction question after a served answer. */
  private async addFollowUps(
    scope: TurnScope,
    reply: Reply,
    decided: Route,
    conversation: ConversationEntity,
    language: Language,
  ): Promise<void> {
    const now = scope.now;
    // A follow-up is an extra: when it fails the turn still answers, without it.
    const extra = async (intentName: string, topic: string): Promise<Reply | null> => {
      const intent = this.intents.get(intentName);
      if (!intent) return null;
      try {
        return await intent.handle(this.contextFor(scope, language, topic));
      } catch (error) {
        this.logger.error({ msg: 'follow-up failed', intent: intentName, topic, error: errorMessage(error) });
        return null;
      }
    };
    if (decided.intent === 'privacy') {
      conversation.consentAskedAt ??= now;
      return;
    }
    if (decided.via === 'aside' && conversation.flow) {
      // A question answered in the middle of a flow: its intent offers to go on (or lets it go).
      const offer = await extra(conversation.flow.intent, 'resume_offer');
      if (offer) {
        if (offer.flow !== undefined) conversation.flow = offer.flow;
        const answer = reply.messages[reply.messages.length - 1];
        const onward = answer?.quickReplies ?? [];
        if (answer && offer.messages.length) delete answer.quickReplies;
        for (const message of offer.messages) {
          message.quickReplies = [...(message.quickReplies ?? []), ...onward].slice(0, 13);
        }
        reply.messages.push(...offer.messages);
      }
      return;
    }
    const askConsent =
      conversation.consent === 'unknown' && !conversation.consentAskedAt && reply.outcome !== 'emergency';
    if (askConsent) {
      const notice = await extra('privacy', 'first_contact');
      if (notice) {
        reply.messages.push(...notice.messages);
        reply.planItems.push(...notice.planItems);
        conversation.consentAskedAt = now;
        return;
      }
    }
    const askedToday =
      conversation.satisfactionAskedAt &&
      localMidnight(conversation.satisfactionAskedAt).getTime() === localMidnight(now).getTime();
    let satisfactionAsked = false;
    if (
      reply.served &&
      reply.outcome === 'answered' &&
      !askedToday &&
      !conversation.flow &&
      reply.messages.length
    ) {
      const question = await extra('satisfaction', 'ask');
      if (question) {
        satisfactionAsked = true;
        // Platforms show quick replies on the last message only: the answer's way onward moves
        // under the question, after 👍 / 👎.
        const answer = reply.messages[reply.messages.length - 1];
        const onward = answer.quickReplies ?? [];
        delete answer.quickReplies;
        for (const message of question.messages) {
          message.quickReplies = [...(message.quickReplies ?? []), ...onward].slice(0, 13);
        }
        reply.messages.push(...question.messages);
        conversation.satisfactionAskedAt = now;
      }
    }
    // Never beside the satisfaction question: 👍 / 👎, the way onward and the offer would not all fit
    // in Zalo's five buttons. The offer waits for the next served answer instead.
    if (!satisfactionAsked && (await this.mayOfferSubscription(scope, reply, decided, conversation))) {
      const offer = await extra('subscription', 'offer');
      const chips = offer?.messages[0]?.quickReplies ?? [];
      const answer = reply.messages[reply.messages.length - 1];
      if (chips.length && answer) {
        // First, so that it is among the buttons Zalo shows.
        answer.quickReplies = [...chips, ...(answer.quickReplies ?? [])].slice(0, 13);
        conversation.subscriptionOfferedAt = now;
      }
    }
  }

  /**
   * The news subscription is offered once per conversation, after a served content answer only: not
   * in an emergency, a complaint, a form, to someone who refused consent, nor to someone who has
   * subscribed or opted out already.
   */
  private async mayOfferSubscription(
    scope: TurnScope,
    reply: Reply,
    decided: Route,
    conversation: ConversationEntity,
  ): Promise<boolean> {
    if (conversation.subscriptionOfferedAt || conversation.consent === 'denied') return false;
    if (!this.intents.has('subscription')) return false;
    if (!reply.served || reply.outcome !== 'answered' || scope.input.understanding?.emergency) return false;
    if (!CONTENT_INTENTS.has(decided.intent) || decided.intent === 'complaint') return false;
    if (conversation.flow || reply.flow || reply.effects?.length) return false;
    const answer = reply.messages[reply.messages.length - 1];
    if (!answer || (answer.buttons?.length ?? 0) >= FEWEST_BUTTONS) return false;
    // A conversation this turn creates has no subscription yet: no look-up on its first answer.
    if (!scope.view.isFirstTurn && (await this.subscriptions.existsForConversation(conversation.id))) {
      // A subscription made outside a turn (every turn about it sets the column): never look again.
      conversation.subscriptionOfferedAt = scope.now;
      return false;
    }
    return true;
  }

  private applyEffects(reply: Reply, conversation: ConversationEntity, now: Date) {
    const result = {
      language: undefined as Language | undefined,
      satisfaction: null as 'up' | 'down' | null,
      news: null as Extract<ConversationEffect, { type: 'subscribe' | 'unsubscribe' }> | null,
      removeSubscription: false,
      staffRequests: [] as { kind: 'handoff' | 'data_deletion' | 'callback'; contact: string | null }[],
    };
    for (const effect of reply.effects ?? []) {
      switch (effect.type) {
        case 'set_language':
          result.language = effect.language;
          break;
        case 'consent':
          conversation.consent = effect.granted ? 'granted' : 'denied';
          conversation.consentAt = now;
          break;
        case 'handoff_start':
          conversation.handoffAt = now;
          conversation.handoffUntil = new Date(now.getTime() + this.config.env.HANDOFF_HOURS * 3600_000);
          result.staffRequests.push({ kind: 'handoff', contact: null });
          break;
        case 'handoff_end':
          conversation.handoffUntil = null;
          break;
        case 'satisfaction':
          result.satisfaction = effect.value;
          break;
        case 'data_deletion_request':
          result.staffRequests.push({ kind: 'data_deletion', contact: null });
          result.removeSubscription = true;
          conversation.subscriptionOfferedAt ??= now;
          break;
        case 'subscribe':
        case 'unsubscribe':
          result.news = effect;
          break;
        case 'callback_request':
          result.staffRequests.push({ kind: 'callback', contact: effect.contact });
          break;
      }
    }
    return result;
  }

  private render(reply: Reply, language: Language, unit: Unit, now: Date): RenderedReply {
    const view = this.units.view(unit, language, now);
    try {
      return this.i18n.render(reply, language, view);
    } catch (error) {
      this.logger.error({ msg: 'reply could not be rendered', error: errorMessage(error) });
      return this.i18n.render(this.errorReply(reply.outcome === 'emergency'), language, view);
    }
  }

  private updateState(
    conversation: ConversationEntity,
    decided: Route,
    reply: Reply,
    event: InboundEvent,
    now: Date,
  ): void {
    if (reply.flow !== undefined) conversation.flow = reply.flow;
    // Asking for a person in the middle of another flow ends that flow: staff take it from there.
    else if (decided.intent === 'human' && conversation.flow && conversation.flow.intent !== 'human')
      conversation.flow = null;
    if (reply.outcome === 'fallback') conversation.missCount += 1;
    else if (reply.outcome !== 'handoff') conversation.missCount = 0;
    if (CONTENT_INTENTS.has(decided.intent) && (reply.outcome === 'answered' || reply.outcome === 'ticket')) {
      conversation.lastIntent = decided.intent;
      conversation.lastTopic = reply.topic ?? decided.topic ?? null;
    }
    // The next turns are read in the light of the emergency ("the ambulance is not here yet").
    if (reply.outcome === 'emergency') {
      conversation.lastIntent = 'emergency';
      conversation.lastTopic = reply.topic ?? 'urgent';
    }
    if (event.kind !== 'follow') conversation.lastUserMessageAt = event.occurredAt;
    conversation.turnCount += 1;
    conversation.updatedAt = now;
  }

  private view(conversation: ConversationEntity, isFirstTurn: boolean, now: Date): ConversationView {
    return {
      id: conversation.id,
      channel: conversation.channel as ConversationView['channel'],
      language: this.languageOf(conversation),
      consent: conversation.consent as ConversationView['consent'],
      flow: conversation.flow,
      lastIntent: conversation.lastIntent,
      lastTopic: conversation.lastTopic,
      missCount: conversation.missCount,
      minutesSinceLastTurn: isFirstTurn ? null : (now.getTime() - conversation.updatedAt.getTime()) / 60_000,
      isFirstTurn,
    };
  }

  /** The topic a follow-up can lean on: the last content answer, while the conversation is live. */
  private topicContext(
    conversation: ConversationEntity,
    view: ConversationView,
  ): { previousIntent: string | null; previousTopic: string | null } {
    const minutes = view.minutesSinceLastTurn;
    // Inside a form the form is the context: its answers are not follow-ups of an earlier topic.
    const live =
      !conversation.flow &&
      minutes !== null &&
      minutes <= CONTEXT_MINUTES &&
      !!conversation.lastIntent &&
      CONTENT_INTENTS.has(conversation.lastIntent);
    return live
      ? { previousIntent: conversation.lastIntent, previousTopic: conversation.lastTopic }
      : { previousIntent: null, previousTopic: null };
  }

  private languageOf(conversation: ConversationEntity): Language {
    return isLanguage(conversation.language) ? conversation.language : 'vi';
  }

  private newConversation(unit: Unit, event: InboundEvent, now: Date): ConversationEntity {
    const conversation = new ConversationEntity();
    Object.assign(conversation, {
      id: randomUUID(),
      unitId: unit.id,
      channel: event.channel,
      userId: event.userId,
      userKey: this.interactions.userKey(event.channel, event.userId),
      language: event.languageHint ?? 'vi',
      languageSettled: false,
      consent: 'unknown',
      consentAt: null,
      consentAskedAt: null,
      flow: null,
      lastIntent: null,
      lastTopic: null,
      missCount: 0,
      turnCount: 0,
      handoffUntil: null,
      handoffAt: null,
      lastUserMessageAt: null,
      satisfactionAskedAt: null,
      subscriptionOfferedAt: null,
      createdAt: now,
      updatedAt: now,
    } satisfies Partial<ConversationEntity>);
    return conversation;
  }

  private redactOrNull(text: string | undefined): string | null {
    return text === undefined ? null : this.nlu.redact(text);
  }
}

/** The parts of a turn every intent call shares (the main answer and its follow-ups). */
interface TurnScope {
  turnId: string;
  unit: Unit;
  view: ConversationView;
  input: TurnInput;
  now: Date;
}

function subscriptionView(row: SubscriptionEntity | null): ConversationView['subscription'] {
  return row
    ? {
        status: row.status === 'subscribed' ? 'subscribed' : 'unsubscribed',
        topics: decodeTopics(row.topics),
      }
    : null;
}

/** One per inbound event, so every run of its turn (retry, re-run after a conflict) has the same id. */
function turnIdOf(inboxEventId: number): string {
  return `inbox:${inboxEventId}`;
}

/**
 * While staff have the conversation the bot is silent, but for what the hand-off message itself
 * offers: a call-back (asked for and answered) and going back to the bot, and for the opt-out of the
 * news. Everything else waits for staff.
 */
function reachesBotWhileHandedOff(decided: Route): boolean {
  // The UNSUBSCRIBE button of a campaign works at any time; typed words go to the person.
  if (decided.intent === 'subscription' && decided.topic === 'unsubscribe') return decided.via === 'payload';
  return (
    decided.intent === 'human' &&
    (decided.via === 'payload' || decided.via === 'flow') &&
    ['callback', 'callback_value', 'callback_cancel', 'resume'].includes(decided.topic ?? '')
  );
}
