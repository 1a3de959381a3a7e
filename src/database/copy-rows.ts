import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/** A value as COPY's text format writes it: `\N` for null, and backslash, tab and line breaks escaped. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean') return value ? 't' : 'f';
  else if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  else if (value instanceof Date) return value.toISOString();
  else text = JSON.stringify(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, escapeChar) : text;
}

function escapeChar(ch: string): string {
  return ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r';
}

/** Rows per chunk written to the COPY stream, so a big batch is never one giant string. */
const ROWS_PER_CHUNK = 500;

/**
 * Appends rows with `COPY … FROM STDIN` on the connection of the manager's transaction: PostgreSQL's fastest
 * way in, with no SQL text built from the values. Only for PostgreSQL servers: embedded PGlite's socket
 * does not speak the COPY sub-protocol.
 */
export async function copyRows(
  m: EntityManager,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<void> {
  if (rows.length === 0) return;
  if (!m.queryRunner) throw new Error('copyRows needs a transaction');
  // Encoded before the first await, in one go: a caller that does not await at once can keep this thread busy
  // (classifying, say) while PostgreSQL works through the rows, instead of the stream waiting for its next chunk.
  const chunks: string[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
    let chunk = '';
    for (let j = i; j < Math.min(i + ROWS_PER_CHUNK, rows.length); j++)
      chunk += `${rows[j].map(copyField).join('\t')}\n`;
    chunks.push(chunk);
  }
  const client = (await m.queryRunner.connect()) as pg.PoolClient;
  await pipeline(
    Readable.from(chunks),
    client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)),
  );
}
