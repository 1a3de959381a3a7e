import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';

/** Injection token for the data source read routes use: a replica when DATABASE_READ_URL is set. */
export const READ_DATA_SOURCE = Symbol('ReadDataSource');

/** Read routes inject this; it is the primary unless DATABASE_READ_URL names a replica. */
export const InjectReadDataSource = () => Inject(READ_DATA_SOURCE);

@Injectable()
class ReplicaCloser implements OnApplicationShutdown {
  constructor(
    @Inject(READ_DATA_SOURCE) private readonly read: DataSource,
    @Inject(getDataSourceToken()) private readonly primary: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.read !== this.primary && this.read.isInitialized) await this.read.destroy();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: READ_DATA_SOURCE,
      inject: [getDataSourceToken(), AppConfig],
      useFactory: async (primary: DataSource, config: AppConfig): Promise<DataSource> => {
        const { readUrl, poolSize } = config.database;
        // Embedded PGlite has one connection and no replicas: reads share the primary.
        if (!readUrl || config.embedded) return primary;
        return new DataSource({ type: 'postgres', url: readUrl, extra: { max: poolSize } }).initialize();
      },
    },
    ReplicaCloser,
  ],
  exports: [READ_DATA_SOURCE],
})
export class ReadDatabaseModule {}
