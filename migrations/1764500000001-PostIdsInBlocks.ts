import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingestion COPYs a page of new posts with ids it reserved beforehand. Reserving them one `nextval` each cost
 * 2–3 ms per page of 1,000; with the identity sequence stepping by 1,024, one `nextval` reserves a block of
 * ids for a whole page. A row inserted without an id (the upsert path, PGlite) takes a block of its own: ids
 * stay unique and increasing, only sparser, and a bigint has room for 9 × 10^15 such blocks.
 */
export class PostIdsInBlocks1764500000001 implements MigrationInterface {
  name = 'PostIdsInBlocks1764500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE post ALTER COLUMN id SET INCREMENT BY 1024`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE post ALTER COLUMN id SET INCREMENT BY 1`);
  }
}
