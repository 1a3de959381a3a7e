import 'reflect-metadata';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { config as loadDotenv } from 'dotenv';
import { AppModule } from '../app.module.js';
import { ConfigError, loadConfig } from '../config/app-config.js';

/**
 * Boots Groundswell without HTTP for a command-line task: same config, database, migrations and services
 * as the server. The scheduler is off unless the command asks for it.
 */
export async function withAppContext<T>(
  task: (app: INestApplicationContext) => Promise<T>,
  options: { enableScheduler?: boolean } = {},
): Promise<T> {
  loadDotenv({ quiet: true });
  if (!options.enableScheduler) process.env.ENABLE_SCHEDULER = 'false';
  // The bundled sample is for a server's first start; a researcher's first command may import their own data.
  process.env.IMPORT_SAMPLE = 'false';
  process.env.LOG_LEVEL ??= 'warn';
  try {
    loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    return await task(app);
  } finally {
    await app.close();
  }
}

/** A service of the booted application, by class. */
export function service<T>(app: INestApplicationContext, type: Type<T>): T {
  return app.get(type, { strict: false });
}
