import { answerWords } from './fold';

/** Folded whole messages that stop the flow in progress. */
const CANCEL =
  /^(?:(?:thoi|vay) )*(?:huy(?: bo)?(?: (?:phan anh|khieu nai|yeu cau)(?: nay)?| di| nhe| luon)?|thoi(?: khoi| bo di| di| khong| bo)?|khoi(?: di)?|bo di|dung lai|(?:khong|ko|k|hong) (?:phan anh|khieu nai|gui|lam|can|muon phan anh|muon gui)(?: nua)?|(?:khong|ko|k) phan anh nua|cancel(?: it| that| the complaint| please)?|never ?mind|nvm|stop(?: it)?|forget it|quit|i changed my mind)$/;

/**
 * Whether a message only says "stop this" ("thôi", "hủy", "không phản ánh nữa", "never mind"):
 * the words "nữa", "ạ", "nhé" may follow. A message that says more is not a cancel.
 */
export function isCancel(text: string): boolean {
  const words = answerWords(text);
  if (!words.length || words.length > 6) return false;
  return CANCEL.test(words.join(' '));
}
