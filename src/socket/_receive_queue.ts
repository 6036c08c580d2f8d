/**
 * A bounded FIFO between the peers that produce messages and the one user
 * who consumes them, by async iteration or as a `ReadableStream`.
 *
 * Producers never wait: `push()` always accepts (the caller bounds what it
 * pushes by pausing its peers while `full` is true), and `onSpace` tells them
 * when to resume.
 *
 * @module
 */

/** A bounded queue with one consumer. */
export class ReceiveQueue<T> {
  #items: T[] = [];
  #head = 0;
  #waiter: ((result: IteratorResult<T>) => void) | undefined;
  #closed = false;
  readonly #capacity: number;
  readonly #onSpace: () => void;

  constructor(capacity: number, onSpace: () => void) {
    this.#capacity = capacity;
    this.#onSpace = onSpace;
  }

  /** Items waiting. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** True once the queue holds `capacity` items or more. */
  get full(): boolean {
    return this.size >= this.#capacity;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Adds an item (ignored after close). */
  push(item: T): void {
    if (this.#closed) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter({ value: item, done: false });
      return;
    }
    this.#items.push(item);
  }

  /** Takes the next item, waiting for one; `done` once closed and empty. */
  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) {
      const wasFull = this.full;
      const value = this.#items[this.#head] as T;
      this.#items[this.#head++] = undefined as T; // let the reader own it alone
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      if (wasFull && !this.full) this.#onSpace();
      return Promise.resolve({ value, done: false });
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new TypeError("Cannot read socket: another read is pending"),
      );
    }
    return new Promise((resolve) => this.#waiter = resolve);
  }

  /** Ends the queue: a pending and every later `next()` reports `done` once drained. */
  close(options: { discard?: boolean } = {}): void {
    this.#closed = true;
    if (options.discard) {
      this.#items = [];
      this.#head = 0;
    }
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ value: undefined, done: true });
  }

  /** An async iterator over the queue. */
  iterator(): AsyncIterableIterator<T> {
    const iterator: AsyncIterableIterator<T> = {
      next: () => this.next(),
      return: (): Promise<IteratorResult<T>> =>
        Promise.resolve({ value: undefined, done: true }),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** A `ReadableStream` over the queue (pull-based: it holds no copy). */
  readable(): ReadableStream<T> {
    return new ReadableStream<T>({
      pull: async (controller) => {
        const result = await this.next();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
    }, { highWaterMark: 0 });
  }
}
