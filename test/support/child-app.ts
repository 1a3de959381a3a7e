import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { ADMIN_KEY } from './test-app.js';

const register = fileURLToPath(new URL('./register-ts.mjs', import.meta.url));
const entry = fileURLToPath(new URL('./collection-child.ts', import.meta.url));
const running = new Set<ChildApp>();

/**
 * The real application in a child process (see collection-child.ts), so that a test can SIGKILL it, SIGTERM
 * it, restart it on the same database, or run several at once. Its output is kept for failure messages.
 */
export class ChildApp {
  readonly http: TestAgent;
  private readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
    readonly port: number,
    private readonly lines: string[],
  ) {
    this.http = request(`http://127.0.0.1:${port}`);
    this.exit = new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null)
        resolve({ code: proc.exitCode, signal: proc.signalCode });
      else proc.once('exit', (code, signal) => resolve({ code, signal }));
    });
    void this.exit.then(() => running.delete(this));
  }

  /** Starts the app with `env` on top of a quiet default environment; resolves once it serves HTTP. */
  static async start(name: string, env: Record<string, string>, timeoutMs = 90_000): Promise<ChildApp> {
    const base = { ...process.env };
    for (const k of ['NODE_OPTIONS', 'DATABASE_URL', 'DATABASE_READ_URL', 'DATA_DIR', 'TEST_DATABASE_URL'])
      delete base[k];
    const proc = spawn(process.execPath, ['--import', register, entry], {
      env: {
        ...base,
        PORT: '0',
        HOST: '127.0.0.1',
        ADMIN_API_KEY: ADMIN_KEY,
        LOG_LEVEL: 'warn',
        LOAD_PRESETS: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${lines.join('\n')}`));
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line) continue;
          lines.push(line);
          const m = /^LISTENING (\d+)$/.exec(line);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) before serving:\n${lines.join('\n')}`));
      });
    });
    const child = new ChildApp(name, proc, port, lines);
    running.add(child);
    return child;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Everything the process printed so far. */
  output(): string {
    return this.lines.join('\n');
  }

  kill(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }

  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exit;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Kills every child a test file left running (call in afterAll). */
export async function killAllChildren(): Promise<void> {
  const children = [...running];
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited()));
}
