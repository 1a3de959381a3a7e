import { Injectable, type NestMiddleware } from '@nestjs/common';
import cors from 'cors';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';

type Handler = (req: Request, res: Response, next: NextFunction) => void;

/**
 * Cross-origin reads for the origins in CORS_ORIGINS (`*` for any); with none configured, no CORS headers are
 * sent and browsers keep other sites out. Answers preflight requests itself, before authentication.
 */
@Injectable()
export class CorsMiddleware implements NestMiddleware {
  private readonly handler?: Handler;

  constructor(config: AppConfig) {
    const origins = config.corsOrigins;
    if (origins.length === 0) return;
    this.handler = cors({
      origin: origins.includes('*') ? '*' : [...origins],
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'X-API-Key', 'Content-Type', 'If-None-Match'],
      exposedHeaders: [
        'ETag',
        'Retry-After',
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
      ],
      maxAge: 600,
    }) as Handler;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (this.handler) this.handler(req, res, next);
    else next();
  }
}
