import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The news subscription (issue 13): one row per conversation with the proof of consent, and on the
 * conversation when the bot offered it (offered once, never again). Written with the schema builder so
 * that the same migration runs on SQLite and PostgreSQL (the integer key is generated on both).
 */
export class Subscriptions1764600000000 implements MigrationInterface {
  name = 'Subscriptions1764600000000';

  async up(q: QueryRunner): Promise<void> {
    const str = (name: string, length: number, nullable = false) => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    });
    const ms = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });
    await q.createTable(
      new Table({
        name: 'subscription',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          str('unitId', 64),
          str('channel', 16),
          { ...str('conversationId', 36), isUnique: true },
          str('userId', 128),
          str('userKey', 64),
          str('language', 2),
          str('status', 16),
          { ...str('topics', 255), default: "''" },
          ms('consentAt'),
          { name: 'consentWording', type: 'text', isNullable: false },
          str('consentSource', 16),
          ms('unsubscribedAt', true),
          ms('createdAt'),
          ms('updatedAt'),
        ],
        indices: [new TableIndex({ name: 'ix_subscription_unit_status', columnNames: ['unitId', 'status'] })],
      }),
    );
    await q.addColumn(
      'conversation',
      new TableColumn({ name: 'subscriptionOfferedAt', type: 'bigint', isNullable: true }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('conversation', 'subscriptionOfferedAt');
    await q.dropTable('subscription');
  }
}
