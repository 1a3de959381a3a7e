/** The ground truth a fixture server renders in its platform's format. */
export interface WorldPost {
  seq: number;
  text: string;
  createdAt: Date;
  editedAt?: Date;
  /** The author deleted it (platforms that show deletions say so; others drop it). */
  deleted?: boolean;
  /** Removed by moderators (Reddit). */
  removed?: boolean;
  /** Rendered without the fields a post needs. */
  malformed?: boolean;
  repostOf?: number;
  replyTo?: number;
  quoteOf?: number;
  lang?: string;
}

export const T0 = Date.parse('2026-11-20T08:00:00Z');

export class World {
  readonly posts: WorldPost[] = [];
  /** Repeat the last item of each page at the top of the next (a post that slid down between requests). */
  duplicateAcrossPages = false;

  constructor(count = 0) {
    this.add(count);
  }

  add(
    count: number,
    text: (seq: number) => string = (seq) => `Post ${seq} about the contract #juniorcontract`,
  ): WorldPost[] {
    const added: WorldPost[] = [];
    for (let i = 0; i < count; i++) {
      const seq = this.posts.length + 1;
      const post = { seq, text: text(seq), createdAt: new Date(T0 + seq * 60_000), lang: 'en' };
      this.posts.push(post);
      added.push(post);
    }
    return added;
  }

  get(seq: number): WorldPost {
    const p = this.posts.find((x) => x.seq === seq);
    if (!p) throw new Error(`no post ${seq}`);
    return p;
  }

  /** Newest first, as every search answers. */
  newestFirst(includeDeleted = false): WorldPost[] {
    return this.posts.filter((p) => includeDeleted || !p.deleted).sort((a, b) => b.seq - a.seq);
  }

  /** Cuts a newest-first list into pages, repeating a post across pages when asked to. */
  page<T>(list: T[], offset: number, size: number): { items: T[]; next?: number } {
    const start = this.duplicateAcrossPages && offset > 0 ? offset - 1 : offset;
    const items = list.slice(start, offset + size);
    const end = offset + size;
    return { items, next: end < list.length ? end : undefined };
  }
}
