import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ACCESS_KEY, type AccessLevel } from './access.decorator.js';
import { ApiKeyService } from './api-key.service.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function presentedKey(request: Request): string | undefined {
  const auth = request.headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim() || undefined;
  const header = request.headers['x-api-key'];
  return (Array.isArray(header) ? header[0] : header)?.trim() || undefined;
}

/** Missing key → 401; a key that does not grant enough → 403. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const declared = this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const level: AccessLevel = declared ?? (READ_METHODS.has(request.method) ? 'read' : 'admin');
    if (level === 'public') return true;
    if (level === 'read' && !this.keys.readKeysRequired) return true;

    const key = presentedKey(request);
    if (!key) {
      throw new UnauthorizedException(
        level === 'admin'
          ? 'This route needs the admin API key (Authorization: Bearer <key> or X-API-Key: <key>).'
          : 'This server requires an API key for reads (Authorization: Bearer <key> or X-API-Key: <key>).',
      );
    }
    const grant = this.keys.grantFor(key);
    if (grant === 'admin' || (grant === 'read' && level === 'read')) return true;
    throw new ForbiddenException(
      grant === 'read'
        ? 'This key may read but this route needs the admin key.'
        : 'This API key is not valid here.',
    );
  }
}
