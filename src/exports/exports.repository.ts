import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The few facts about a topic that exports print besides the series. */
@Injectable()
export class ExportsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The newest post of a topic version (from the classification time index), or null. */
  async newestPostAt(topicId: number, version: number): Promise<Date | null> {
    const [row] = await this.db.query<{ at: Date | null }[]>(
      `SELECT max(post_created_at) AS at FROM classification WHERE topic_id = $1 AND lexicon_version = $2`,
      [topicId, version],
    );
    return row?.at ? new Date(row.at) : null;
  }

  /** When collection last finished for a topic, or null. */
  async lastCollectedAt(topicId: number): Promise<Date | null> {
    const [row] = await this.db.query<{ at: Date | null }[]>(
      // The newest finished run by id (collection_run_topic_ix), not a scan of every run the topic had.
      `SELECT finished_at AS at FROM collection_run
        WHERE topic_id = $1 AND status IN ('succeeded', 'partial') AND finished_at IS NOT NULL
        ORDER BY id DESC LIMIT 1`,
      [topicId],
    );
    return row?.at ? new Date(row.at) : null;
  }
}
