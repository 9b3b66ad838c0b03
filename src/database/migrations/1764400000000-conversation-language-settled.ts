import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Whether the conversation's language was set by what the citizen wrote or asked for, rather than
 * guessed from a hint (the page's language, a tapped button): a settled language changes only on an
 * explicit request or a clearly substantial message in the other language.
 */
export class ConversationLanguageSettled1764400000000 implements MigrationInterface {
  name = 'ConversationLanguageSettled1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'conversation',
      new TableColumn({ name: 'languageSettled', type: 'boolean', default: false }),
    );
    // Conversations that already had a typed turn keep the language they have.
    await q.query(`UPDATE conversation SET "languageSettled" = true WHERE "lastIntent" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('conversation', 'languageSettled');
  }
}
