/**
 * The real application in its own process, with the fixture adapters installed, for tests that kill and
 * restart it or run several instances. Started by ChildApp (child-app.ts); configured by its environment.
 * Prints `LISTENING <port>` once it serves.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/app-config.js';
import { configureApp } from '../../src/http/configure-app.js';
import { ExtraAdaptersModule } from './extra-adapters.module.js';
import { fixtureAdapters } from './fixture-adapter.js';

@Module({ imports: [AppModule, ExtraAdaptersModule.with(fixtureAdapters())] })
class ChildModule {}

const config = loadConfig(process.env);
const app = await NestFactory.create<NestExpressApplication>(ChildModule, {
  bodyParser: false,
  bufferLogs: true,
});
await configureApp(app);
await app.listen(config.port, config.host);
const { port } = app.getHttpServer().address() as AddressInfo;
process.stdout.write(`LISTENING ${port}\n`);
