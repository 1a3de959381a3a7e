import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ExpressAdapter } from '@nestjs/platform-express';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';

/** The dashboard's and widget's scripts and styles: plain files, served as they are (no build step). */
export const WEB_STATIC_DIR = join(projectRoot(), 'src', 'web', 'static');
export const ASSETS_PATH = '/assets';

/**
 * Mounts the static folder at /assets. Registered when the module starts, after the routes and before the
 * problem+json 404 that configureApp adds last, so a missing file is a 404 problem like any other.
 */
@Injectable()
export class StaticAssets implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    // The CLI boots the same modules without HTTP: then there is nothing to mount on.
    const adapter = this.host.httpAdapter as ExpressAdapter | undefined;
    if (!adapter) return;
    adapter.useStaticAssets(WEB_STATIC_DIR, {
      prefix: ASSETS_PATH,
      index: false,
      fallthrough: true,
      maxAge: '5m',
      setHeaders: (res: ServerResponse) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    });
  }
}
