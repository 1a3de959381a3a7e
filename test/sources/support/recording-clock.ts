import type { Clock } from '../../../src/sources/http/clock.js';
import type { RetryPolicy } from '../../../src/sources/source-adapter.js';

/** Real time, but waits are recorded instead of slept through; `advance` moves time forward. */
export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.offset += ms;
  }

  random(): number {
    return 0.5;
  }

  advance(ms: number): void {
    this.offset += ms;
  }
}

export const FAST_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2000,
  maxRateLimitWaitMs: 120_000,
};
