import { Global, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions, type ConnectionTarget } from './data-source-options.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { ReadDatabaseModule } from './read-data-source.js';

/** Starts embedded PGlite when no DATABASE_URL is set, and stops it after the last query. */
@Injectable()
export class DatabaseHost implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private embedded?: EmbeddedPostgres;

  constructor(
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  async target(): Promise<ConnectionTarget> {
    const { url, dataDir } = this.config.database;
    if (url) return { url };
    this.embedded = new EmbeddedPostgres(dataDir);
    const connection = await this.embedded.start();
    this.logger.log(`Embedded PostgreSQL (PGlite) in ${dataDir}`);
    return { embedded: connection };
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    // PGlite must outlive every query: close the pool first, then flush and close the database.
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    await this.embedded.stop();
  }
}

@Global()
@Module({ providers: [DatabaseHost], exports: [DatabaseHost] })
class DatabaseHostModule {}

@Module({
  imports: [
    DatabaseHostModule,
    TypeOrmModule.forRootAsync({
      inject: [DatabaseHost, AppConfig],
      useFactory: async (host: DatabaseHost, config: AppConfig) =>
        dataSourceOptions(await host.target(), config.database.poolSize),
    }),
    ReadDatabaseModule,
  ],
})
export class DatabaseModule {}
