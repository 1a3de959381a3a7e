/**
 * Reusable scratch arrays for the per-post passes. Classifying is synchronous and never re-entered, so each
 * pass can borrow one array and clear the part it uses instead of allocating a new one for every post
 * (typed-array allocation costs more than the work on a short post).
 */
export class ScratchBytes {
  private buffer = new Uint8Array(256);

  /** A zeroed array of at least n bytes (only the first n are meaningful). */
  take(n: number): Uint8Array {
    if (n > this.buffer.length) this.buffer = new Uint8Array(Math.max(n, this.buffer.length * 2));
    else this.buffer.fill(0, 0, n);
    return this.buffer;
  }
}

export class ScratchInts {
  private buffer = new Int32Array(256);

  /** An array of at least n integers, the first n set to `value`. */
  take(n: number, value: number): Int32Array {
    if (n > this.buffer.length) this.buffer = new Int32Array(Math.max(n, this.buffer.length * 2));
    this.buffer.fill(value, 0, n);
    return this.buffer;
  }
}
