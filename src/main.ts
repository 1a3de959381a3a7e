import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { configureApp } from './http/configure-app.js';

async function bootstrap(): Promise<void> {
  loadDotenv({ quiet: true });
  // Validate before Nest starts so a bad setting stops the process with one clear message.
  let port: number;
  let host: string;
  try {
    ({ port, host } = loadConfig(process.env));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  await configureApp(app);
  await app.listen(port, host);
  process.stdout.write(
    `Groundswell listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}\n`,
  );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `Groundswell failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
