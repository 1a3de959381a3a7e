import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform budgets shared by every instance and kept across restarts: Instagram counts unique hashtags per
 * account in a rolling 7 days (a hashtag's window starts at its first query), Threads counts queries per
 * user in a rolling 24 hours (kept per minute).
 */
export class CreateSourceBudget1764000000000 implements MigrationInterface {
  name = 'CreateSourceBudget1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE source_budget_hashtag (
        platform       text NOT NULL,
        account        text NOT NULL,
        hashtag        text NOT NULL,
        first_used_at  timestamptz NOT NULL DEFAULT now(),
        last_used_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT source_budget_hashtag_pk PRIMARY KEY (platform, account, hashtag)
      )`);
    await q.query(`
      CREATE TABLE source_budget_query (
        platform  text NOT NULL,
        account   text NOT NULL,
        minute    timestamptz NOT NULL,
        queries   integer NOT NULL DEFAULT 0 CONSTRAINT source_budget_query_queries_ck CHECK (queries >= 0),
        CONSTRAINT source_budget_query_pk PRIMARY KEY (platform, account, minute)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS source_budget_query`);
    await q.query(`DROP TABLE IF EXISTS source_budget_hashtag`);
  }
}
