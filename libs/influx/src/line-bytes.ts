/** Bytes of a page of lines (a batch of the baseline service at 60,000 events/s writes about 1 MB a partition). */
const PAGE_BYTES = 2 * 1024 * 1024;
/** Shortest line a page makes room for in its table of line ends. */
const MIN_LINE_BYTES = 16;
/** Free pages a {@link LineBytes} keeps for reuse. */
const MAX_FREE_PAGES = 8;

/**
 * A buffer of lines and the table of where each ends (of a {@link LineBytes}), used again once every chunk over it is
 * released: allocating fresh buffers for ~17 MB of lines a second (60,000 events/s) made V8 count them as external
 * memory and mark the whole heap several times as often (concurrent marking 3 % → 12 % of the baseline service's
 * CPU in a profile).
 */
export class LinePage {
  /** Holders: the {@link LineBytes} writing into it, and every chunk over it not released. */
  refs = 1;

  constructor(
    readonly buf: Buffer,
    readonly ends: Uint32Array,
    private readonly free: LinePage[] | undefined,
  ) {}

  release(): void {
    if (--this.refs > 0) return;
    if (this.refs < 0) throw new Error('a page of lines released more often than held');
    if (this.free !== undefined && this.free.length < MAX_FREE_PAGES) {
      this.refs = 1;
      this.free.push(this);
    }
  }
}

/**
 * Line-protocol lines as UTF-8 bytes, each ending in `\n`, and where each line ends: what a {@link BatchWriter}
 * queues, splits and drops by whole lines without decoding them, and sends as it is. A chunk over a page of a
 * {@link LineBytes} holds the page until it is released (the writer releases what it has written or dropped): its
 * bytes must not be read after.
 */
export class LineChunk {
  private constructor(
    private readonly buf: Buffer,
    /** Offsets in `buf` after each line's `\n`. */
    private readonly ends: Uint32Array,
    private readonly from: number,
    private readonly page: LinePage | undefined,
  ) {}

  static readonly empty = new LineChunk(Buffer.alloc(0), new Uint32Array(0), 0, undefined);

  /** Lines given as text (without their `\n`), in a buffer of their own. */
  static of(lines: readonly string[]): LineChunk {
    const ends = new Uint32Array(lines.length);
    const parts: Buffer[] = [];
    let at = 0;
    for (let i = 0; i < lines.length; i++) {
      const part = Buffer.from(`${lines[i]!}\n`, 'utf8');
      parts.push(part);
      at += part.length;
      ends[i] = at;
    }
    return new LineChunk(Buffer.concat(parts, at), ends, 0, undefined);
  }

  /** @internal a chunk over a page's lines `[first, end)`, holding the page */
  static onPage(page: LinePage, from: number, first: number, end: number): LineChunk {
    page.refs++;
    return new LineChunk(page.buf, page.ends.subarray(first, end), from, page);
  }

  get lines(): number {
    return this.ends.length;
  }

  /** The lines' bytes (a view, not a copy). */
  get body(): Buffer {
    return this.buf.subarray(this.from, this.ends.length === 0 ? this.from : this.ends[this.ends.length - 1]);
  }

  /** The first `count` lines and the rest, each held (this chunk's hold passes to them). */
  split(count: number): [LineChunk, LineChunk] {
    if (count <= 0) return [LineChunk.empty, this];
    if (count >= this.lines) return [this, LineChunk.empty];
    if (this.page !== undefined) this.page.refs++;
    const cut = this.ends[count - 1]!;
    return [
      new LineChunk(this.buf, this.ends.subarray(0, count), this.from, this.page),
      new LineChunk(this.buf, this.ends.subarray(count), cut, this.page),
    ];
  }

  /** Lets the page be written again: once written, dropped or refused, exactly once per chunk held. */
  release(): void {
    this.page?.release();
  }

  /** The lines as text, without their `\n` (to search a refused batch line by line, or to read them in a test). */
  toLines(): string[] {
    const out: string[] = [];
    let from = this.from;
    for (let i = 0; i < this.ends.length; i++) {
      const to = this.ends[i]!;
      out.push(this.buf.toString('utf8', from, to - 1));
      from = to;
    }
    return out;
  }
}

/**
 * Writes line-protocol lines straight into pages of bytes: a series' measurement and tags encoded and escaped once
 * (`bytes`), field names and numbers written in place, integers (timestamps) digit by digit, and hands over what it
 * wrote as {@link LineChunk}s over its pages, reused once released. The baseline service writes 2 to 3 lines an
 * event; as strings they were built, joined into one, counted and encoded again for the request. The caller escapes:
 * this writes what it is given.
 */
export class LineBytes {
  private readonly free: LinePage[] = [];
  private page: LinePage;
  /** Where the next byte goes, and where the lines not yet taken begin. */
  private at = 0;
  private start = 0;
  /** The page's line ends: the first not yet taken, and the next free. */
  private firstEnd = 0;
  private nextEnd = 0;

  constructor(private readonly pageBytes = PAGE_BYTES) {
    this.page = this.newPage(pageBytes, 0);
  }

  /** Encodes text (a series' measurement and tags, escaped) once, for {@link bytes}. */
  static encode(text: string): Uint8Array {
    return Buffer.from(text, 'utf8');
  }

  /** Complete lines written since the last {@link take}. */
  get lines(): number {
    return this.nextEnd - this.firstEnd;
  }

  /** Appends bytes encoded before (see {@link encode}). */
  bytes(part: Uint8Array): this {
    const n = part.length;
    if (this.at + n > this.page.buf.length) this.turnPage(n);
    const buf = this.page.buf;
    const at = this.at;
    // a loop beats a native copy's call for the short parts of a line
    if (n > 64) buf.set(part, at);
    else for (let i = 0; i < n; i++) buf[at + i] = part[i]!;
    this.at = at + n;
    return this;
  }

  /** Appends text as UTF-8 (field names, separators, tag values already escaped). */
  text(text: string): this {
    const n = text.length;
    if (this.at + n > this.page.buf.length) this.turnPage(n);
    const buf = this.page.buf;
    const start = this.at;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) return this.utf8(text, start);
      buf[start + i] = c;
    }
    this.at = start + n;
    return this;
  }

  /** Appends a number as JavaScript prints it (the shortest text that reads back as the same float64). */
  number(x: number): this {
    return this.text(String(x));
  }

  /**
   * Appends an integer's digits, as {@link number} would print them: without a string for a safe integer ≥ 0, in
   * two halves of at most 8 digits (small integers: exact, fast arithmetic), through {@link number} otherwise.
   */
  integer(x: number): this {
    if (!(x >= 0 && x <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(x)) return this.number(x);
    if (x < 1e8) return this.digits(x, 0);
    const high = Math.floor(x / 1e8);
    return this.digits(high, 0).digits(x - high * 1e8, 8);
  }

  /** Ends the line. */
  end(): this {
    if (this.at + 1 > this.page.buf.length || this.nextEnd === this.page.ends.length) this.turnPage(1);
    this.page.buf[this.at++] = 0x0a;
    this.page.ends[this.nextEnd++] = this.at;
    return this;
  }

  /** The complete lines written since the last call, held until released; a line begun stays begun. */
  take(): LineChunk {
    if (this.nextEnd === this.firstEnd) return LineChunk.empty;
    const chunk = LineChunk.onPage(this.page, this.start, this.firstEnd, this.nextEnd);
    this.start = this.page.ends[this.nextEnd - 1]!;
    this.firstEnd = this.nextEnd;
    return chunk;
  }

  /** Forgets what was written since the last {@link take}. */
  clear(): this {
    this.at = this.start;
    this.nextEnd = this.firstEnd;
    return this;
  }

  /** Writes `x` (0 ≤ x < 10⁸, an integer) with at least `width` digits (zeros first). */
  private digits(x: number, width: number): this {
    let n = 1;
    for (let p = 10; p <= x; p *= 10) n++;
    if (n < width) n = width;
    if (this.at + n > this.page.buf.length) this.turnPage(n);
    const buf = this.page.buf;
    let end = this.at + n;
    this.at = end;
    let rest = x | 0;
    for (let i = 0; i < n; i++) {
      const q = (rest / 10) | 0;
      buf[--end] = 48 + rest - q * 10;
      rest = q;
    }
    return this;
  }

  private utf8(text: string, start: number): this {
    const n = Buffer.byteLength(text, 'utf8');
    this.at = start;
    if (start + n > this.page.buf.length) this.turnPage(n);
    this.at += this.page.buf.write(text, this.at, 'utf8');
    return this;
  }

  /** Goes on in a fresh page with the lines not yet taken and the line begun, and room for `needed` more bytes. */
  private turnPage(needed: number): void {
    const old = this.page;
    const carried = this.at - this.start;
    const lines = this.nextEnd - this.firstEnd;
    const page =
      carried + needed <= this.pageBytes && lines < this.pageBytes / MIN_LINE_BYTES
        ? (this.free.pop() ?? this.newPage(this.pageBytes, 0))
        : this.newPage(2 * (carried + needed), 2 * (lines + 1));
    old.buf.copy(page.buf, 0, this.start, this.at);
    for (let i = 0; i < lines; i++) page.ends[i] = old.ends[this.firstEnd + i]! - this.start;
    this.page = page;
    this.at = carried;
    this.start = 0;
    this.firstEnd = 0;
    this.nextEnd = lines;
    old.release();
  }

  /** A page of `bytes` with room for at least `lines` line ends; one of the standard size goes back to the pool. */
  private newPage(bytes: number, lines: number): LinePage {
    const ends = new Uint32Array(Math.max(lines, Math.ceil(bytes / MIN_LINE_BYTES)));
    return new LinePage(Buffer.allocUnsafe(bytes), ends, bytes === this.pageBytes ? this.free : undefined);
  }
}
