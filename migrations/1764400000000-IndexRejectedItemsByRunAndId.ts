import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A run's rejected lines are listed in file order a page at a time; this index serves that without a sort. */
export class IndexRejectedItemsByRunAndId1764400000000 implements MigrationInterface {
  name = 'IndexRejectedItemsByRunAndId1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS rejected_item_run_id_ix ON rejected_item (run_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS rejected_item_run_id_ix`);
  }
}
