import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { ApiKeyService } from '../auth/api-key.service.js';
import { AppConfig } from '../config/app-config.js';

/**
 * A strong ETag (a hash of the body) and a short Cache-Control on read responses. Express answers a
 * matching If-None-Match with 304 and no body, so a polling widget pays only for the query, not the transfer.
 */
@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<string> {
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        // Serialised once, here: the hash and the response body are the same text.
        const json = JSON.stringify(body);
        const hash = createHash('sha256').update(json).digest('base64url').slice(0, 32);
        res.setHeader('ETag', `"${hash}"`);
        res.type('application/json');
        // With read keys, answers depend on who asks: shared caches must not keep them.
        const scope = this.keys.readKeysRequired ? 'private' : 'public';
        res.setHeader('Cache-Control', `${scope}, max-age=${this.config.cacheMaxAgeSeconds}`);
        if (this.keys.readKeysRequired) res.vary('Authorization').vary('X-API-Key');
        return json;
      }),
    );
  }
}
