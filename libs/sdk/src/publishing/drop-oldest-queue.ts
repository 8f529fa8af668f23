/**
 * A bounded FIFO on a ring buffer: pushing past `capacity` drops the oldest items and counts them. Used to hold
 * records while Kafka is unreachable; `take` hands out the oldest first and `requeue` puts a batch that could not be
 * sent back at the head, so replay keeps the original order. All operations are O(items moved), amortised.
 *
 * The ring starts small and doubles up to `capacity` only while items are waiting, and goes back to its first size
 * once emptied: a queue bounded at 100 000 items that holds a few hundred at a time does not keep 800 kB of slots.
 *
 * @example
 * const queue = new DropOldestQueue<number>(2);
 * queue.pushAll([1, 2, 3]); // returns 1: item 1 was dropped
 * queue.take(5);            // [2, 3]
 */
export class DropOldestQueue<T> {
  private static readonly INITIAL_SLOTS = 256;
  private slots: (T | undefined)[];
  private head = 0;
  private size = 0;
  private droppedCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
    this.slots = new Array<T | undefined>(Math.min(capacity, DropOldestQueue.INITIAL_SLOTS));
  }

  /** Items waiting. */
  get length(): number {
    return this.size;
  }

  /** Items dropped since construction because the queue was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Appends items in order; returns how many old items were dropped to make room. */
  pushAll(items: readonly T[]): number {
    let dropped = 0;
    for (const item of items) {
      if (this.size === this.capacity) {
        this.slots[this.head] = undefined;
        this.head = (this.head + 1) % this.slots.length;
        this.size--;
        dropped++;
      } else if (this.size === this.slots.length) {
        this.grow(this.size + 1);
      }
      this.slots[(this.head + this.size) % this.slots.length] = item;
      this.size++;
    }
    this.droppedCount += dropped;
    return dropped;
  }

  /** Removes and returns up to `max` of the oldest items. */
  take(max: number): T[] {
    const count = Math.min(max, this.size);
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.slots[this.head] as T;
      this.slots[this.head] = undefined;
      this.head = (this.head + 1) % this.slots.length;
    }
    this.size -= count;
    if (this.size === 0 && this.slots.length > DropOldestQueue.INITIAL_SLOTS) {
      this.slots = new Array<T | undefined>(DropOldestQueue.INITIAL_SLOTS);
      this.head = 0;
    }
    return out;
  }

  /**
   * Puts items that were taken (and are older than anything queued since) back at the head, in their order. If they
   * no longer fit, the oldest of them are dropped and counted; returns how many.
   */
  requeue(items: readonly T[]): number {
    const overflow = Math.max(0, this.size + items.length - this.capacity);
    if (this.size + items.length - overflow > this.slots.length) this.grow(this.size + items.length - overflow);
    for (let i = items.length - 1; i >= overflow; i--) {
      this.head = (this.head - 1 + this.slots.length) % this.slots.length;
      this.slots[this.head] = items[i];
      this.size++;
    }
    this.droppedCount += overflow;
    return overflow;
  }

  /** A ring of at least `needed` slots (doubling, at most `capacity`), the items moved to its start in order. */
  private grow(needed: number): void {
    let length = this.slots.length;
    while (length < needed) length = Math.min(this.capacity, length * 2);
    const slots = new Array<T | undefined>(length);
    for (let i = 0; i < this.size; i++) slots[i] = this.slots[(this.head + i) % this.slots.length];
    this.slots = slots;
    this.head = 0;
  }
}
