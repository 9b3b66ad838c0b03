import { Initial1763800000000 } from './1763800000000-initial';
import { Complaints1763900000000 } from './1763900000000-complaints';
import { Channels1764000000000 } from './1764000000000-channels';
import { Evidence1764100000000 } from './1764100000000-evidence';
import { Console1764200000000 } from './1764200000000-console';
import { QueueLeases1764300000000 } from './1764300000000-queue-leases';
import { TicketSource1764310000000 } from './1764310000000-ticket-source';
import { WebChatAudience1764320000000 } from './1764320000000-web-chat-audience';
import { ReportJobs1764330000000 } from './1764330000000-report-jobs';
import { TrainingVersion1764340000000 } from './1764340000000-training-version';
import { ConversationLanguageSettled1764400000000 } from './1764400000000-conversation-language-settled';
import { OpenQueueIndexes1764500000000 } from './1764500000000-open-queue-indexes';
import { Subscriptions1764600000000 } from './1764600000000-subscriptions';
import { Campaigns1764610000000 } from './1764610000000-campaigns';
import { UnitDetails1764620000000 } from './1764620000000-unit-details';

/** In order. A new migration is appended here; never edit one that has shipped. */
export const MIGRATIONS = [
  Initial1763800000000,
  Complaints1763900000000,
  Channels1764000000000,
  Evidence1764100000000,
  Console1764200000000,
  QueueLeases1764300000000,
  TicketSource1764310000000,
  WebChatAudience1764320000000,
  ReportJobs1764330000000,
  TrainingVersion1764340000000,
  ConversationLanguageSettled1764400000000,
  OpenQueueIndexes1764500000000,
  Subscriptions1764600000000,
  Campaigns1764610000000,
  UnitDetails1764620000000,
];
