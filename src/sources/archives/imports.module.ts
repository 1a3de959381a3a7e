import type { Server } from 'node:http';
import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CollectionModule } from '../../collection/collection.module.js';
import { TopicsModule } from '../../topics/topics.module.js';
import { ImportService } from './import.service.js';
import { ImportsController } from './imports.controller.js';
import { SampleImport } from './sample-import.js';

/** Archive imports: the importers, the import route and service, and the bundled sample. */
@Module({
  imports: [CollectionModule, TopicsModule],
  controllers: [ImportsController],
  providers: [ImportService, SampleImport],
  exports: [ImportService, SampleImport],
})
export class ImportsModule implements OnApplicationBootstrap {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    // Node ends any request not fully received within requestTimeout (5 minutes by default), which would cut
    // off a multi-gigabyte upload. Uploads are guarded by an idle timeout instead; headersTimeout still bounds
    // how long a client may take to send its headers.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server && typeof server.requestTimeout === 'number') server.requestTimeout = 0;
  }
}
