import { Injectable } from '@nestjs/common';
import type { Intent, Language, Reply, TurnContext } from '../../src/messaging';
import { answered, mainMenu, message, text } from '../common/reply-kit';

/** Switch the conversation's language; the reply is already in the new one. */
@Injectable()
export class LanguageIntent implements Intent {
  readonly name = 'language';

  handle(ctx: TurnContext): Reply {
    const target: Language =
      ctx.topic === 'to_en'
        ? 'en'
        : ctx.topic === 'to_vi'
          ? 'vi'
          : ctx.conversation.language === 'vi'
            ? 'en'
            : 'vi';
    return {
      ...answered(
        [message([text(`language:switched_${target}`)], { quickReplies: mainMenu() })],
        [],
        `to_${target}`,
        false,
      ),
      effects: [{ type: 'set_language', language: target }],
    };
  }
}
