import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { migrations } from '../../migrations/index.js';
import type { EmbeddedConnection } from './embedded-postgres.js';

export type ConnectionTarget = { url: string } | { embedded: EmbeddedConnection };

/** One definition of how Groundswell connects, shared by the service, the CLI and the tests. */
export function dataSourceOptions(target: ConnectionTarget, poolSize: number): TypeOrmModuleOptions {
  const connection =
    'url' in target
      ? { url: target.url, extra: { max: poolSize } }
      : {
          host: target.embedded.socketDir,
          port: target.embedded.port,
          username: 'postgres',
          database: 'postgres',
          // PGlite is single-user: one connection, so transactions can never interleave.
          extra: { max: 1 },
        };
  return {
    type: 'postgres',
    ...connection,
    autoLoadEntities: true,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
  };
}
