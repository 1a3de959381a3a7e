import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { ApiKey } from './api-key.entity.js';

export type Grant = 'admin' | 'read' | 'none';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolves a presented key to a grant. Keys are compared by SHA-256 hash (they are long random strings, so a
 * fast hash is enough); neither the keys nor their hashes are ever logged or returned.
 */
@Injectable()
export class ApiKeyService implements OnApplicationBootstrap {
  private readonly logger = new Logger('ApiKeys');
  private adminHashes: string[] = [];
  private readonly readHashes: string[];

  constructor(
    private readonly config: AppConfig,
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
  ) {
    this.readHashes = config.readApiKeys.map(hashKey);
  }

  get readKeysRequired(): boolean {
    return this.readHashes.length > 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdminKey();
  }

  /** With ADMIN_API_KEY unset, the first start generates a key, stores its hash and prints it once. */
  async ensureAdminKey(): Promise<void> {
    if (this.config.adminApiKey) {
      this.adminHashes = [hashKey(this.config.adminApiKey)];
      return;
    }
    const stored = await this.keys.find({ where: { role: 'admin', revokedAt: IsNull() } });
    if (stored.length === 0) {
      const key = `gs_admin_${randomBytes(24).toString('base64url')}`;
      const row = this.keys.create({
        name: 'generated at first start',
        role: 'admin',
        keyHash: hashKey(key),
        keyPrefix: key.slice(0, 12),
      });
      await this.keys.save(row);
      stored.push(row);
      // Printed on stdout directly rather than logged: logs are shipped elsewhere and must hold no secret.
      process.stdout.write(
        `\n  Groundswell generated an admin API key. It is shown this once and stored only as a hash:\n\n` +
          `      ${key}\n\n  Send it as "Authorization: Bearer <key>" or "X-API-Key: <key>" on write requests.\n` +
          `  Set ADMIN_API_KEY to choose your own.\n\n`,
      );
      this.logger.log('Generated an admin API key (printed once on stdout)');
    }
    this.adminHashes = stored.map((k) => k.keyHash);
  }

  grantFor(key: string | undefined): Grant {
    if (!key) return 'none';
    const h = hashKey(key);
    if (this.adminHashes.some((a) => sameHash(a, h))) return 'admin';
    if (this.readHashes.some((r) => sameHash(r, h))) return 'read';
    return 'none';
  }
}
