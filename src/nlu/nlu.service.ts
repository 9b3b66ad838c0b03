import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Entity, Understanding } from '../messaging/understanding';

// Placeholder until the classifier lands (branch nlu): keyword rules only, for wiring the pipeline.
const RULES: [RegExp, string, string][] = [
  [/cap cuu|ambulance|not breathing|dot quy|stroke|khong tho/, 'emergency', 'urgent'],
  [/vneid/, 'vneid', 'forgot_password'],
  [/o dau|dia chi|where is|address/, 'unit_info', 'address'],
  [/xin chao|hello|\bhi\b|chao/, 'greeting', 'hello'],
];

@Injectable()
export class NluService implements OnModuleInit {
  async onModuleInit(): Promise<void> {}

  understand(
    text: string,
    context?: { language?: 'vi' | 'en'; previousIntent?: string | null; previousTopic?: string | null },
  ): Understanding {
    const plain = text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/gi, 'd')
      .toLowerCase();
    const rule = RULES.find(([re]) => re.test(plain));
    const language =
      /[ăâêôơưđ]/i.test(text) ||
      /[\u0300-\u036f]/.test(text.normalize('NFD')) ||
      /\b(toi|ko|khong|benh)\b/.test(plain)
        ? 'vi'
        : /[a-z]/.test(plain)
          ? 'en'
          : (context?.language ?? 'vi');
    const intent = rule?.[1] ?? 'fallback';
    return {
      language,
      intent,
      topic: rule?.[2],
      confidence: rule ? 0.9 : 0.2,
      ranking: [{ intent, topic: rule?.[2], score: rule ? 0.9 : 0.2 }],
      entities: this.recognise(text),
      decision: rule ? 'answer' : 'fallback',
      emergency: intent === 'emergency',
    };
  }

  recognise(_text: string): Entity[] {
    return [];
  }

  redact(text: string): string {
    return text.replace(/\d[\d .]{7,}\d/g, '[phone]').replace(/\S+@\S+\.\w+/g, '[email]');
  }

  async addExamples(_examples: { intent: string; topic: string; text: string }[]): Promise<void> {}

  intents(): string[] {
    return [];
  }

  topics(_intent: string): string[] {
    return [];
  }
}
