import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The series reads rollups by time (the primary key); coverage of archive sources and the check of a
 * `sources` filter read them by source: the first and last bucket of a source, and which sources a topic has.
 */
export class IndexRollupBySource1764300000000 implements MigrationInterface {
  name = 'IndexRollupBySource1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX rollup_topic_source_ix ON rollup (topic_id, lexicon_version, source, bucket)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS rollup_topic_source_ix`);
  }
}
