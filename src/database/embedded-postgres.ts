import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedConnection {
  /** A folder holding the server's unix socket: pass it to pg as `host`. */
  socketDir: string;
  port: number;
}

/**
 * Embedded PostgreSQL (PGlite) behind a local unix socket, so that TypeORM talks to it through the same
 * `pg` driver and the same SQL as to a real server. PGlite is single-user: one process owns a data folder
 * (guarded by a lock file) and the socket server serialises its one connection.
 */
export class EmbeddedPostgres {
  private db?: PGlite;
  private server?: PGLiteSocketServer;
  private socketDir?: string;
  private lockFile?: string;

  constructor(private readonly dataDir: string) {}

  get inMemory(): boolean {
    return this.dataDir.startsWith('memory://');
  }

  async start(): Promise<EmbeddedConnection> {
    if (!this.inMemory) {
      const dir = resolve(this.dataDir);
      mkdirSync(dir, { recursive: true });
      this.lockFile = join(dir, 'groundswell.pid');
      this.takeLock(this.lockFile);
      this.db = await PGlite.create({ dataDir: join(dir, 'pglite') });
    } else {
      this.db = await PGlite.create();
    }
    // Unix socket paths are limited to ~107 bytes, so the socket lives in a short private temp folder.
    this.socketDir = mkdtempSync(join(tmpdir(), 'gs-pg-'));
    const port = 5432;
    this.server = new PGLiteSocketServer({ db: this.db, path: join(this.socketDir, `.s.PGSQL.${port}`) });
    await this.server.start();
    return { socketDir: this.socketDir, port };
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    await this.db?.close();
    if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true });
    if (this.lockFile) rmSync(this.lockFile, { force: true });
    this.server = undefined;
    this.db = undefined;
  }

  private takeLock(file: string): void {
    if (existsSync(file)) {
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `The embedded database in ${this.dataDir} is in use by process ${pid}. ` +
            'Embedded PGlite serves one process; run several instances against PostgreSQL (DATABASE_URL).',
        );
      }
    }
    writeFileSync(file, String(process.pid));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
