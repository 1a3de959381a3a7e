import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What scheduled collection needs beyond the first schema: where each source's coverage has reached, and a
 * guarantee that a source never has two collection runs executing at once, whichever instance claims them.
 */
export class AddCollectionLeases1764200000000 implements MigrationInterface {
  name = 'AddCollectionLeases1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // The end of the last window a run collected completely; the next run's coverage starts here.
    await q.query(`ALTER TABLE topic_source ADD COLUMN covered_until timestamptz`);
    await q.query(
      `CREATE UNIQUE INDEX collection_run_one_running_uq ON collection_run (topic_source_id)
        WHERE status = 'running' AND kind IN ('scheduled', 'manual', 'backfill')`,
    );
    await q.query(
      `CREATE INDEX collection_run_source_open_ix ON collection_run (topic_source_id, status)
        WHERE status IN ('queued', 'running')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS collection_run_source_open_ix`);
    await q.query(`DROP INDEX IF EXISTS collection_run_one_running_uq`);
    await q.query(`ALTER TABLE topic_source DROP COLUMN IF EXISTS covered_until`);
  }
}
