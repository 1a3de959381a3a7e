import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { READ_DATA_SOURCE } from '../../src/database/read-data-source.js';
import { engine, freshDatabase } from '../support/databases.js';
import { createTestApp } from '../support/test-app.js';

describe('read data source', () => {
  it('is the primary when DATABASE_READ_URL is unset', async () => {
    const t = await createTestApp();
    try {
      expect(t.app.get(READ_DATA_SOURCE)).toBe(t.app.get(getDataSourceToken()));
    } finally {
      await t.close();
    }
  });

  (engine === 'postgres' ? it : it.skip)(
    'connects to DATABASE_READ_URL when set (PostgreSQL only)',
    async () => {
      const database = await freshDatabase();
      const t = await createTestApp({ database, env: { DATABASE_READ_URL: database.url! } });
      try {
        const read = t.app.get<DataSource>(READ_DATA_SOURCE);
        expect(read).not.toBe(t.app.get(getDataSourceToken()));
        await t.http
          .post('/api/v1/topics')
          .set(t.admin)
          .send({
            slug: 'r',
            name: 'R',
            query: { hashtags: ['r'], keywords: [], exclude: [], languages: [] },
          });
        const [{ n }] = await read.query(`SELECT count(*)::int AS n FROM topic WHERE slug = 'r'`);
        expect(n).toBe(1);
      } finally {
        await t.close();
        await database.drop();
      }
    },
  );
});
