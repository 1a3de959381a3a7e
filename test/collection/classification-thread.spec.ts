import { spawnSync } from 'node:child_process';

/**
 * The classification thread, started for real (under the TypeScript loader the application's child processes
 * use): its COPY lines and rollup figures must equal classifying on the main thread, byte for byte, including
 * a second page scored with the topics it already holds, deleted posts, reposts and a source name that needs
 * escaping. A worker on another classifier version is refused, and a closed thread fails its pages.
 */
describe('classification thread', () => {
  it('scores pages exactly as the main thread does', () => {
    const child = spawnSync(
      process.execPath,
      ['--import', './test/support/register-ts.mjs', 'test/support/classification-thread-check.ts'],
      { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000 },
    );
    expect(child.stderr).toBe('');
    const report = JSON.parse(child.stdout) as {
      pages: {
        rows: number;
        expectedRows: number;
        slices: number;
        sameLines: boolean;
        sameRollups: boolean;
      }[];
      workerThreadId: number;
      mainThread: number;
      afterClose: string;
      wrongVersion: string;
    };
    expect(report.pages).toHaveLength(2);
    for (const page of report.pages) {
      expect(page.rows).toBeGreaterThan(500);
      expect(page.rows).toBe(page.expectedRows);
      expect(page.slices).toBe(7); // 700 posts, slices of 100
      expect(page.sameLines).toBe(true);
      expect(page.sameRollups).toBe(true);
    }
    expect(report.workerThreadId).not.toBe(report.mainThread);
    expect(report.afterClose).toBe('ClassificationThreadFailed');
    expect(report.wrongVersion).toBe('refused');
  }, 180_000);
});
