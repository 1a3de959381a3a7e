import { setTimeout as delay } from 'node:timers/promises';

/** Time as adapters see it; tests inject one that records waits instead of sleeping through them. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** In [0, 1): the jitter of retry backoff. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    if (ms > 0) await delay(ms, undefined, { signal });
  },
  random: () => Math.random(),
};
