import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { AppConfig, loadConfig } from '../../src/config/app-config.js';
import { configureApp } from '../../src/http/configure-app.js';
import type { SourceAdapter } from '../../src/sources/source-adapter.js';
import { freshDatabase, type FreshDatabase } from './databases.js';
import { ExtraAdaptersModule } from './extra-adapters.module.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  db: DataSource;
  config: AppConfig;
  database: FreshDatabase;
  /** Authorization header for write routes. */
  admin: { Authorization: string };
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse a database (e.g. to restart the app on the same data); the caller drops it. */
  database?: FreshDatabase;
  /** Adapters to install beside the built-in ones (through EXTRA_ADAPTERS). */
  adapters?: SourceAdapter[];
}

/** The real application (real pipes, filters, guards, migrations) on a fresh database. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await freshDatabase());
  const config = loadConfig({
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'silent',
    ENABLE_SCHEDULER: 'false',
    LOAD_PRESETS: 'false',
    IMPORT_SAMPLE: 'false',
    // Jest runs the TypeScript sources in its own module system, which a worker thread cannot load them
    // through: in-process apps classify on the main thread. Child processes (child-app.ts) run the thread.
    CLASSIFIER_THREAD: 'false',
    ...database.env,
    ...options.env,
  });
  const extra = options.adapters ? [ExtraAdaptersModule.with(options.adapters)] : [];
  const moduleRef = await Test.createTestingModule({ imports: [AppModule, ...extra] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: false });
  await configureApp(app);
  const ownsDatabase = options.database === undefined;
  return {
    app,
    http: request(app.getHttpServer()),
    db: app.get<DataSource>(getDataSourceToken()),
    config,
    database,
    admin: { Authorization: `Bearer ${ADMIN_KEY}` },
    close: async () => {
      await app.close();
      if (ownsDatabase) await database.drop();
    },
  };
}
