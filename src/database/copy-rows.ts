import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/** Text as a field of COPY's text format: backslash, tab and line breaks escaped. */
export function copyText(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, escapeChar) : text;
}

/** A value as COPY's text format writes it: `\N` for null, and backslash, tab and line breaks escaped. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean') return value ? 't' : 'f';
  else if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  else if (value instanceof Date) return value.toISOString();
  else text = JSON.stringify(value);
  return copyText(text);
}

function escapeChar(ch: string): string {
  return ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r';
}

const ROWS_PER_CHUNK = 500;

/** The connection of the manager's transaction, for COPY (which TypeORM does not speak). */
export async function transactionClient(m: EntityManager): Promise<pg.ClientBase> {
  if (!m.queryRunner) throw new Error('COPY needs a transaction');
  return (await m.queryRunner.connect()) as pg.ClientBase;
}

/**
 * A `COPY … FROM STDIN` on a transaction's connection whose rows are written as they become known, while
 * PostgreSQL stores what it has: its fastest way in, with no SQL text built from the values. The COPY starts
 * once `after` (the connection's previous statement) has succeeded, or at once; rows written before then wait
 * in memory. If `after` fails, so does this COPY, with the same error. Only for PostgreSQL servers: embedded
 * PGlite's socket does not speak the COPY sub-protocol.
 */
export class CopyWriter {
  private readonly input = new PassThrough();
  private readonly done: Promise<void>;
  private aborted?: Error;

  constructor(client: pg.ClientBase, table: string, columns: readonly string[], after?: Promise<unknown>) {
    const sql = `COPY ${table} (${columns.join(', ')}) FROM STDIN`;
    this.done = (after ?? Promise.resolve()).then(() =>
      this.aborted ? Promise.reject(this.aborted) : pipeline(this.input, client.query(copyFrom(sql))),
    );
    // Both are observed through end(); a COPY that failed early must not surface as unhandled meanwhile.
    this.done.catch(() => undefined);
    this.input.on('error', () => undefined);
  }

  /** Encodes the rows now, on the caller's turn, and queues them for PostgreSQL. */
  write(rows: readonly (readonly unknown[])[]): void {
    if (this.input.destroyed) return;
    // In chunks, so that a big batch is never one giant string.
    for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
      let chunk = '';
      for (let j = i; j < Math.min(i + ROWS_PER_CHUNK, rows.length); j++)
        chunk += `${rows[j].map(copyField).join('\t')}\n`;
      this.input.write(chunk);
    }
  }

  /** Queues lines already in COPY's text format (each ending in a newline). */
  writeLines(lines: string): void {
    if (!this.input.destroyed && lines.length > 0) this.input.write(lines);
  }

  /** Abandons the COPY: PostgreSQL is told to fail it (CopyFail), and `end()` rejects. */
  abort(reason: unknown): void {
    this.aborted = reason instanceof Error ? reason : new Error(String(reason));
    this.input.destroy(this.aborted);
  }

  /** Ends the rows; resolves when PostgreSQL has stored them all, rejects with its error otherwise. */
  end(): Promise<void> {
    this.input.end();
    return this.done;
  }
}
