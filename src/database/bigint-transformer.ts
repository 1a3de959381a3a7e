import type { ValueTransformer } from 'typeorm';

/** Ids are bigint in SQL and plain numbers in the API (they stay far below 2^53). */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | undefined | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
