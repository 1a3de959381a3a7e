import { createHash } from 'node:crypto';
import { HttpException, HttpStatus, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import { presentedKey } from '../auth/api-key.guard.js';
import { ApiKeyService } from '../auth/api-key.service.js';
import { AppConfig } from '../config/app-config.js';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-details.js';
import { ProblemDetailsFilter } from '../http/problem-details.filter.js';

/**
 * Per-client throttling of the series routes, one allowance shared across them. A client is its API key when
 * it presents a valid one (a newsroom behind one address is not one client), its address otherwise; a made-up
 * key counts as the address, so rotating keys does not escape the limit. Over the limit: 429 problem+json
 * with Retry-After. Counters live in this process.
 *
 * express-rate-limit rather than @nestjs/throttler: the latter is CommonJS that require()s the ESM-only
 * @nestjs/common 12, which Node 20 can do but Jest's module runtime (before Node 24.9) cannot, so it could not
 * be tested here.
 */
@Injectable()
export class ThrottleMiddleware implements NestMiddleware {
  private readonly limiter?: RateLimitRequestHandler;
  private readonly problems = new ProblemDetailsFilter();

  constructor(config: AppConfig, keys: ApiKeyService) {
    const { limit, ttlSeconds } = config.throttle;
    if (limit === 0) return;
    this.limiter = rateLimit({
      windowMs: ttlSeconds * 1000,
      limit,
      standardHeaders: 'draft-6',
      legacyHeaders: false,
      skip: (req) => req.method === 'OPTIONS',
      keyGenerator: (req) => {
        const key = presentedKey(req);
        if (key && keys.grantFor(key) !== 'none')
          return `key:${createHash('sha256').update(key).digest('hex')}`;
        return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
      },
      handler: (req, res) => {
        const detail = `Too many requests: at most ${limit} every ${ttlSeconds} s per client. Retry after the number of seconds in Retry-After.`;
        const problem = this.problems.toProblem(new HttpException(detail, HttpStatus.TOO_MANY_REQUESTS), req);
        res.status(429).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
      },
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if (!this.limiter) {
      next();
      return;
    }
    void this.limiter(req, res, next);
  }
}
