import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { executeRuns } from '../../src/cli/commands/collect.command.js';
import { createFixtureTopic } from '../support/collection-helpers.js';
import { fixtureAdapters, FixtureServer } from '../support/fixture-adapter.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Captures what a command writes to stdout and stderr while `task` runs. */
async function captured<T>(task: () => Promise<T>): Promise<{ result: T; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  process.stdout.write = (s: string) => out.push(String(s)) > 0;
  process.stderr.write = (s: string) => err.push(String(s)) > 0;
  try {
    return { result: await task(), out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

describe('CLI: collect and backfill', () => {
  let t: TestApp;
  let fixture: FixtureServer;

  beforeAll(async () => {
    fixture = new FixtureServer({
      total: 45,
      pageSize: 10,
      idPrefix: 'cli',
      start: new Date(Date.now() - 7_200_000),
    });
    await fixture.start();
    // An API-only app, as the CLI's context is: the command executes the runs itself.
    t = await createTestApp({ adapters: fixtureAdapters(), env: { COLLECTION_POLL_MS: '50' } });
    await createFixtureTopic(t.http, 'cli', [{ baseUrl: fixture.url }]);
  });
  afterAll(async () => {
    await t.close();
    await fixture.stop();
  });

  it('collect runs every enabled source to its end in this process and reports each run', async () => {
    const { result, out } = await captured(() => executeRuns(t.app, (c) => c.collect('cli'), false));
    expect(result).toBe(0);
    expect(out).toMatch(
      /^run \d+ fixture \(manual\): succeeded; fetched 45, new 45, duplicates 0, rejected 0\n$/,
    );
  });

  it('backfill runs the window and prints JSON on request; a bad window exits 2', async () => {
    const from = new Date(Date.now() - 7_200_000).toISOString();
    const to = new Date(Date.now() - 7_200_000 + 10 * 60_000).toISOString();
    const { result, out } = await captured(() =>
      executeRuns(t.app, (c) => c.backfill('cli', from, to), true),
    );
    expect(result).toBe(0);
    expect(JSON.parse(out)).toEqual([
      expect.objectContaining({ kind: 'backfill', status: 'succeeded', fetched: 10 }),
    ]);
    const bad = await captured(() => executeRuns(t.app, (c) => c.backfill('cli', to, from), false));
    expect(bad.result).toBe(2);
    expect(bad.err).toBe('to: to must be later than from\n');
  });

  it('is registered as `collect` and `backfill`, and names an unknown topic', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', './test/support/register-ts.mjs', 'src/cli.ts', ...args], {
        cwd: root,
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          DATA_DIR: 'memory://',
          LOAD_PRESETS: 'false',
          ADMIN_API_KEY: 'cli-admin-key-0123456789',
        },
        encoding: 'utf8',
      });
    const help = cli('--help');
    expect(help.stdout).toMatch(/collect \[options\] <slug>/);
    expect(help.stdout).toMatch(/backfill \[options\] <slug>/);
    const unknown = cli('collect', 'no-such-topic');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No topic with slug "no-such-topic".');
  });
});
