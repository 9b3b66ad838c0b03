import { Injectable } from '@nestjs/common';
import { fold } from '../../src/common/fold';
import type { Intent, Language, Reply, TurnContext } from '../../src/messaging';
import { answered, mainMenu, message, quick, text } from '../common/reply-kit';

// A typed request to change language: a verb of speaking or switching, "in English", "bằng tiếng Anh".
const ASKS =
  /\b(?:noi|tra loi|rep|reply|answer|speak|talk|write|type|switch|change|chuyen|doi|dung|bang|sang|in english|in vietnamese|please|pls|plz|giup|language|ngon ngu)\b/;
// …or just the language's name ("English", "tiếng Anh nhé").
const NAME_ONLY =
  /^(?:(?:tieng )?(?:anh|viet)|english|vietnamese|tieng viet|tieng anh)(?: (?:nhe|nha|a|di|ok))?$/;

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
    // "what about my Vietnamese wife?" names a language without asking for it: ask, do not switch.
    const typed = ctx.input.kind === 'text' && !ctx.input.payload ? fold(ctx.input.text ?? '') : null;
    if (typed !== null && !ASKS.test(typed) && !NAME_ONLY.test(typed)) {
      return answered(
        [
          message([text(`language:confirm_${target}`)], {
            quickReplies: [
              quick(`language:topics.to_${target}`, target === 'en' ? 'LANG_EN' : 'LANG_VI'),
              ...mainMenu(),
            ],
          }),
        ],
        [],
        'confirm',
        false,
      );
    }
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
