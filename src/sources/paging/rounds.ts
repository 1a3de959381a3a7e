/**
 * The cursor of an adapter that runs several queries ("lanes", e.g. one per hashtag) each run. A round
 * visits every lane once, each lane paging to its end; the round is over (the page is `exhausted`) when no
 * lane is pending, and the next run starts a new round. Everything is plain JSON, committed with each page.
 */
export interface RoundCursor<L> {
  pending: string[];
  lanes: Record<string, L>;
}

export class Round<L> {
  private constructor(
    private readonly pending: string[],
    private readonly lanes: Record<string, L>,
  ) {}

  /** Opens the round a cursor is in (or a new one) over the lanes the query asks for now. */
  static open<L>(cursor: unknown, keys: readonly string[]): Round<L> {
    const c = (cursor ?? {}) as Partial<RoundCursor<L>>;
    const stored = c.lanes && typeof c.lanes === 'object' ? c.lanes : {};
    const lanes: Record<string, L> = {};
    for (const k of keys) if (k in stored) lanes[k] = stored[k];
    const pending = Array.isArray(c.pending) ? c.pending.filter((k) => keys.includes(k)) : [];
    return new Round(pending.length ? pending : [...keys], lanes);
  }

  get empty(): boolean {
    return this.pending.length === 0;
  }

  /** The lane to fetch now and its stored state (undefined for a lane never fetched). */
  get current(): { key: string; state: L | undefined } {
    const key = this.pending[0];
    return { key, state: this.lanes[key] };
  }

  /** The cursor after the current lane fetched a page; `laneDone` when that lane reached its end. */
  advance(state: L, laneDone: boolean): { nextCursor: RoundCursor<L>; exhausted: boolean } {
    const [key, ...rest] = this.pending;
    const pending = laneDone ? rest : this.pending;
    return {
      nextCursor: { pending, lanes: { ...this.lanes, [key]: state } },
      exhausted: pending.length === 0,
    };
  }

  /** The cursor unchanged (a page with no lanes). */
  idle(): RoundCursor<L> {
    return { pending: [], lanes: this.lanes };
  }
}
