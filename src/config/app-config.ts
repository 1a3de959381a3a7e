import { hostname } from 'node:os';
import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).optional().default(fallback);

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
  .optional();

/**
 * Every setting Groundswell reads from the environment. The README's configuration table mirrors this
 * schema; keep the two together.
 */
export const envSchema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: postgresUrl,
  DATABASE_READ_URL: postgresUrl,
  DATABASE_POOL_SIZE: int(10, 1, 200),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  READ_API_KEYS: list,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'expected a size such as 512kb or 1mb')
    .default('1mb'),
  ENABLE_SCHEDULER: bool(true),
  LOAD_PRESETS: bool(true),
  IMPORT_SAMPLE: bool(true),
  INSTANCE_ID: z.string().min(1).optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim().replace(/\/+$/, ''))
        .filter((s) => s.length > 0),
    )
    .refine((origins) => origins.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), {
      message: 'expected * or comma-separated origins such as https://example.org',
    }),
  THROTTLE_LIMIT: int(600, 0, 1_000_000),
  THROTTLE_TTL_SECONDS: int(60, 1, 86_400),
  CACHE_MAX_AGE_SECONDS: int(30, 0, 86_400),
  COLLECTION_CONCURRENCY: int(4, 1, 64),
  CLASSIFIER_THREAD: bool(true),
  COLLECTION_POLL_MS: int(2000, 50, 600_000),
  COLLECTION_LEASE_MS: int(60_000, 1000, 3_600_000),
  COLLECTION_MAX_PAGES: int(100, 1, 100_000),
  COLLECTION_RETRIES: int(3, 0, 20),
  COLLECTION_RETRY_BASE_MS: int(1000, 1, 600_000),
  COLLECTION_MAX_WAIT_MS: int(900_000, 0, 86_400_000),
  COLLECTION_FETCH_TIMEOUT_MS: int(30_000, 100, 600_000),
});

export type Env = z.input<typeof envSchema>;

/** How collection runs are scheduled, claimed and retried. */
export interface CollectionConfig {
  /** Most runs executing at once across every instance sharing the database. */
  concurrency: number;
  /** How often a worker looks for queued runs and re-reads topic schedules. */
  pollMs: number;
  /** How long a claimed run stays owned without a heartbeat; a dead instance's runs are taken over after it. */
  leaseMs: number;
  /** Pages one scheduled or manual run fetches at most; the next run continues from the cursor. */
  maxPages: number;
  /** Retries of a page after a temporary error. */
  retries: number;
  /** First retry delay; doubled for each further retry. */
  retryBaseMs: number;
  /** Longest total rate-limit wait within one run; beyond it the run stops as rate limited. */
  maxWaitMs: number;
  /** Timeout handed to each adapter request. */
  fetchTimeoutMs: number;
}

export interface DatabaseConfig {
  /** A PostgreSQL server; when absent Groundswell runs on embedded PGlite in `dataDir`. */
  url?: string;
  readUrl?: string;
  poolSize: number;
  /** Where embedded PGlite keeps its files; `memory://` keeps nothing (tests). */
  dataDir: string;
}

/** The one typed configuration object. Read settings through it, never through process.env. */
export class AppConfig {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  readonly adminApiKey?: string;
  readonly readApiKeys: readonly string[];
  readonly log: { level: string; pretty: boolean };
  readonly bodyLimit: string;
  readonly enableScheduler: boolean;
  readonly loadPresets: boolean;
  /** Import the bundled #juniorcontract sample on a first start with no posts. */
  readonly importSample: boolean;
  readonly instanceId: string;
  readonly publicBaseUrl?: string;
  /** Origins allowed to read the API from a browser; `*` for any. Empty: no cross-origin reads. */
  readonly corsOrigins: readonly string[];
  /** Requests per client per window on the read API; 0 turns throttling off. */
  readonly throttle: { limit: number; ttlSeconds: number };
  /** `Cache-Control: max-age` of series responses. */
  readonly cacheMaxAgeSeconds: number;
  /**
   * Classify new posts on a worker thread while the main thread feeds PostgreSQL (PostgreSQL servers only;
   * `CLASSIFIER_THREAD=false` keeps it on the main thread).
   */
  readonly classifierThread: boolean;
  readonly collection: CollectionConfig;

  constructor(env: z.output<typeof envSchema>) {
    this.port = env.PORT;
    this.host = env.HOST;
    this.database = {
      url: env.DATABASE_URL,
      readUrl: env.DATABASE_READ_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      dataDir: env.DATA_DIR,
    };
    this.adminApiKey = env.ADMIN_API_KEY;
    this.readApiKeys = env.READ_API_KEYS;
    this.log = { level: env.LOG_LEVEL, pretty: env.LOG_FORMAT === 'pretty' };
    this.bodyLimit = env.BODY_LIMIT;
    this.enableScheduler = env.ENABLE_SCHEDULER;
    this.loadPresets = env.LOAD_PRESETS;
    this.importSample = env.IMPORT_SAMPLE;
    this.instanceId = env.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
    this.publicBaseUrl = env.PUBLIC_BASE_URL;
    this.corsOrigins = env.CORS_ORIGINS;
    this.throttle = { limit: env.THROTTLE_LIMIT, ttlSeconds: env.THROTTLE_TTL_SECONDS };
    this.cacheMaxAgeSeconds = env.CACHE_MAX_AGE_SECONDS;
    this.classifierThread = env.CLASSIFIER_THREAD;
    this.collection = {
      concurrency: env.COLLECTION_CONCURRENCY,
      pollMs: env.COLLECTION_POLL_MS,
      leaseMs: env.COLLECTION_LEASE_MS,
      maxPages: env.COLLECTION_MAX_PAGES,
      retries: env.COLLECTION_RETRIES,
      retryBaseMs: env.COLLECTION_RETRY_BASE_MS,
      maxWaitMs: env.COLLECTION_MAX_WAIT_MS,
      fetchTimeoutMs: env.COLLECTION_FETCH_TIMEOUT_MS,
    };
  }

  get embedded(): boolean {
    return this.database.url === undefined;
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates an environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return new AppConfig(parsed.data);
}
