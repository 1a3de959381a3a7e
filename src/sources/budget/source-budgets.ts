import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export const SOURCE_BUDGETS = Symbol('SOURCE_BUDGETS');

/**
 * Platform budgets that outlive a process and are shared by every instance: Instagram's unique hashtags per
 * account in a rolling 7 days, Threads' queries per user in a rolling 24 hours. Kept in PostgreSQL.
 */
export interface SourceBudgets {
  /** Hashtags first queried within the last `windowHours` for an account. */
  hashtagsInWindow(platform: string, account: string, windowHours: number): Promise<string[]>;
  /**
   * Counts a hashtag query. A hashtag already in the window costs nothing (and keeps its first-query time);
   * a new one is refused (false) when the window already holds `limit`.
   */
  claimHashtag(
    platform: string,
    account: string,
    hashtag: string,
    limit: number,
    windowHours: number,
  ): Promise<boolean>;
  queriesInWindow(platform: string, account: string, windowHours: number): Promise<number>;
  /** Counts one query; refused (false) when the window already holds `limit`. */
  claimQuery(platform: string, account: string, limit: number, windowHours: number): Promise<boolean>;
  /** Gives back a claimed query (Threads does not count queries that return nothing). */
  releaseQuery(platform: string, account: string): Promise<void>;
  /**
   * Hashtags that other enabled sources of this adapter on the same account will query: the budget a new
   * topic would compete with.
   */
  plannedHashtags(
    adapter: string,
    accountOption: string,
    account: string,
    exceptTopicId?: number,
  ): Promise<string[]>;
}

@Injectable()
export class PgSourceBudgets implements SourceBudgets {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async hashtagsInWindow(platform: string, account: string, windowHours: number): Promise<string[]> {
    const rows: { hashtag: string }[] = await this.db.query(
      `SELECT hashtag FROM source_budget_hashtag
        WHERE platform = $1 AND account = $2 AND first_used_at > now() - make_interval(hours => $3)
        ORDER BY first_used_at, hashtag`,
      [platform, account, windowHours],
    );
    return rows.map((r) => r.hashtag);
  }

  claimHashtag(platform: string, account: string, hashtag: string, limit: number, windowHours: number) {
    return this.locked(platform, account, async (m) => {
      const [row]: { in_window: boolean }[] = await m.query(
        `SELECT first_used_at > now() - make_interval(hours => $4) AS in_window
           FROM source_budget_hashtag WHERE platform = $1 AND account = $2 AND hashtag = $3`,
        [platform, account, hashtag, windowHours],
      );
      if (row?.in_window) {
        await m.query(
          `UPDATE source_budget_hashtag SET last_used_at = now() WHERE platform = $1 AND account = $2 AND hashtag = $3`,
          [platform, account, hashtag],
        );
        return true;
      }
      const [{ n }]: { n: number }[] = await m.query(
        `SELECT count(*)::int AS n FROM source_budget_hashtag
          WHERE platform = $1 AND account = $2 AND first_used_at > now() - make_interval(hours => $3)`,
        [platform, account, windowHours],
      );
      if (n >= limit) return false;
      // A hashtag whose window has passed starts a new one.
      await m.query(
        `INSERT INTO source_budget_hashtag (platform, account, hashtag) VALUES ($1, $2, $3)
         ON CONFLICT ON CONSTRAINT source_budget_hashtag_pk
         DO UPDATE SET first_used_at = now(), last_used_at = now()`,
        [platform, account, hashtag],
      );
      return true;
    });
  }

  async queriesInWindow(platform: string, account: string, windowHours: number): Promise<number> {
    const [{ n }]: { n: number }[] = await this.db.query(
      `SELECT COALESCE(sum(queries), 0)::int AS n FROM source_budget_query
        WHERE platform = $1 AND account = $2 AND minute > now() - make_interval(hours => $3)`,
      [platform, account, windowHours],
    );
    return n;
  }

  claimQuery(platform: string, account: string, limit: number, windowHours: number) {
    return this.locked(platform, account, async (m) => {
      const [{ n }]: { n: number }[] = await m.query(
        `SELECT COALESCE(sum(queries), 0)::int AS n FROM source_budget_query
          WHERE platform = $1 AND account = $2 AND minute > now() - make_interval(hours => $3)`,
        [platform, account, windowHours],
      );
      if (n >= limit) return false;
      await m.query(
        `INSERT INTO source_budget_query (platform, account, minute, queries) VALUES ($1, $2, date_trunc('minute', now()), 1)
         ON CONFLICT ON CONSTRAINT source_budget_query_pk DO UPDATE SET queries = source_budget_query.queries + 1`,
        [platform, account],
      );
      // Minutes older than any window we keep are of no further use.
      await m.query(
        `DELETE FROM source_budget_query WHERE platform = $1 AND account = $2 AND minute < now() - interval '8 days'`,
        [platform, account],
      );
      return true;
    });
  }

  async releaseQuery(platform: string, account: string): Promise<void> {
    await this.locked(platform, account, async (m) => {
      await m.query(
        `UPDATE source_budget_query SET queries = queries - 1
          WHERE platform = $1 AND account = $2 AND queries > 0
            AND minute = (SELECT max(minute) FROM source_budget_query WHERE platform = $1 AND account = $2 AND queries > 0)`,
        [platform, account],
      );
    });
  }

  async plannedHashtags(
    adapter: string,
    accountOption: string,
    account: string,
    exceptTopicId?: number,
  ): Promise<string[]> {
    const rows: { tag: string }[] = await this.db.query(
      `SELECT DISTINCT lower(h.tag) AS tag
         FROM topic_source s
         JOIN topic t ON t.id = s.topic_id
         CROSS JOIN LATERAL jsonb_array_elements_text(t.query -> 'hashtags') AS h(tag)
        WHERE s.adapter = $1 AND s.enabled AND NOT t.paused AND s.options ->> $2 = $3
          AND ($4::bigint IS NULL OR t.id <> $4)
        ORDER BY 1`,
      [adapter, accountOption, account, exceptTopicId ?? null],
    );
    return rows.map((r) => r.tag);
  }

  /** One claim at a time per account, across instances: a transaction holding an advisory lock. */
  private locked<T>(platform: string, account: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `source_budget:${platform}:${account}`,
      ]);
      return work(m);
    });
  }
}
