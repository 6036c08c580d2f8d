/**
 * The coalescing frame writer behind `Peer.send()`.
 *
 * @module
 */

import type { WireWriter } from "../transport/_wire_ends.ts";
import type { Frame } from "../frame/frame.ts";
import {
  encodedFrameSize,
  encodeFrame,
  encodeFrameHeader,
} from "../frame/encode_frame.ts";
import { LENGTH_PREFIX_SIZE } from "../frame/frame.ts";
import { nextTurn, type Turn } from "./_next_turn.ts";
import { SlabPool } from "./_slab_pool.ts";

/** Bytes of one slab: frames are encoded into slabs of this size. */
export const SLAB_SIZE = 64 * 1024;

/**
 * Payloads of at least this many bytes are written from the sender's own
 * array, after their header, and never copied: the sender must not change
 * them afterwards. Below it, a payload is copied into the slab, where one
 * write carries many frames.
 */
export const BY_REFERENCE_BYTES = 16 * 1024;

/**
 * Below this many waiting bytes, a writer that has just finished a write lets
 * the event loop turn once before the next one. Deno's TCP write completes at
 * once (an eager op), so without the pause a busy sender made one small write
 * per few frames and spent 57% of its time in the write call.
 */
const COALESCE_BYTES = 32 * 1024;

/** Options of {@linkcode FrameWriter}. */
export interface FrameWriterOptions {
  /** Largest frame sent, in bytes after the length prefix. */
  maxFrameSize: number;
  /** Called once when a transport write fails; the writer then stops. */
  onError: (error: unknown) => void;
  /** Called before each transport write (the heartbeat's "sent" clock). */
  onWrite?: () => void;
}

/** Limits that {@linkcode FrameWriter.below} waits for. */
export interface QueueLimits {
  /** Wait until fewer bytes than this are queued. */
  bytes: number;
  /** Wait until fewer frames than this are queued. @default Infinity */
  frames?: number;
}

interface Waiter {
  bytes: number;
  frames: number;
  resolve: () => void;
}

/**
 * Encodes frames into slabs and writes them to a transport writer, batching
 * every frame sent while the transport is busy into one write.
 *
 * - Frames are encoded at once, into a 64 KiB slab (a frame larger than that
 *   gets a buffer of its own). Encoded bytes never move and are never
 *   rewritten once handed to the transport: the reader owns them.
 * - A payload of {@linkcode BY_REFERENCE_BYTES} or more is not copied: its
 *   header goes into the slab and the payload array itself is written next.
 *   The caller must leave those bytes unchanged from then on.
 * - When no write is in flight, a flush runs on the next microtask, so a
 *   synchronous loop of `write()` calls becomes one transport write, with no
 *   timer and no added latency.
 * - While a write is in flight, frames accumulate; what accumulated is
 *   written as soon as the previous write resolves.
 * - Only one transport write is in flight at a time.
 *
 * @example Three frames sent in one go make one transport write
 * ```ts
 * import { FrameKind } from "@msg-ts/msg";
 * import { FrameWriter } from "./frame_writer.ts";
 * import assert from "node:assert/strict";
 *
 * const chunks: Uint8Array[] = [];
 * const sink = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
 * const writer = new FrameWriter(sink.getWriter(), { maxFrameSize: 1024, onError: () => {} });
 * for (let id = 1; id <= 3; id++) {
 *   writer.write({ kind: FrameKind.Ack, flags: 0, id, topic: "", timestamp: 0, payload: new Uint8Array(0) });
 * }
 * assert.equal(writer.queuedFrames, 3);
 * await writer.below({ bytes: 1 });
 * assert.equal(chunks.length, 1);
 * assert.equal(chunks[0]!.length, 3 * 10);
 * ```
 */
export class FrameWriter {
  #writer: WireWriter;
  #options: FrameWriterOptions;
  /** Slabs, reused once written out when the transport copies on write. */
  #pool = new SlabPool(SLAB_SIZE);
  #slab: Uint8Array = this.#pool.take();
  /** The buffer of the chunk being written. */
  #inFlight: ArrayBufferLike | undefined;
  /** Start of the slab bytes not yet handed out. */
  #start = 0;
  /** End of the encoded bytes in the slab. */
  #end = 0;
  /** Frames encoded in `#slab[#start..#end]`. */
  #openFrames = 0;
  /** Sealed chunks waiting for their write, with their frame counts. */
  #sealed: Uint8Array[] = [];
  #sealedFrames: number[] = [];
  #bytes = 0;
  #frames = 0;
  #scheduled = false;
  #writing = false;
  #stopped = false;
  #waiters: Waiter[] = [];
  #turn: Turn | undefined;
  #flush = (): void => {
    this.#scheduled = false;
    void this.#pump();
  };

  /**
   * Makes a writer over a transport's writer; nothing is written until the
   * first frame.
   *
   * @param writer The transport's locked writer.
   * @param options Frame size bound and callbacks.
   */
  constructor(
    writer: WireWriter,
    options: FrameWriterOptions,
  ) {
    this.#writer = writer;
    this.#options = options;
  }

  /** Bytes encoded and not yet accepted by the transport. */
  get bufferedBytes(): number {
    return this.#bytes;
  }

  /** Frames encoded and not yet accepted by the transport. */
  get queuedFrames(): number {
    return this.#frames;
  }

  /**
   * Encodes `frame` now and schedules its write.
   *
   * @param frame The frame.
   * @throws {RangeError} When the frame is invalid or larger than
   * `maxFrameSize`.
   */
  write(frame: Frame): void {
    const size = encodedFrameSize(frame);
    if (size - LENGTH_PREFIX_SIZE > this.#options.maxFrameSize) {
      throw new RangeError(
        `Cannot send frame: ${
          size - LENGTH_PREFIX_SIZE
        } bytes exceed maxFrameSize ${this.#options.maxFrameSize}`,
      );
    }
    if (this.#stopped) return;
    const payload = frame.payload;
    if (payload.length >= BY_REFERENCE_BYTES) {
      const header = size - payload.length;
      if (this.#slab.length - this.#end < header) this.#newSlab();
      this.#end = encodeFrameHeader(frame, this.#slab, this.#end);
      this.#seal();
      this.#sealed.push(payload);
      this.#sealedFrames.push(1);
    } else if (size > SLAB_SIZE) {
      const own = new Uint8Array(size);
      encodeFrame(frame, own, 0);
      this.#seal();
      this.#sealed.push(own);
      this.#sealedFrames.push(1);
    } else {
      if (this.#slab.length - this.#end < size) this.#newSlab();
      this.#end = encodeFrame(frame, this.#slab, this.#end);
      this.#openFrames++;
    }
    this.#bytes += size;
    this.#frames++;
    if (!this.#scheduled && !this.#writing) {
      this.#scheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  /**
   * Starts writing what is queued now, instead of on the next microtask,
   * when no write is in flight. The reader calls it before it asks the
   * transport for more bytes, so a reply made from what it just read goes
   * out before the read is even issued (in Deno, issuing a read costs
   * several microseconds).
   */
  flushNow(): void {
    if (this.#writing || this.#stopped || this.#frames === 0) return;
    void this.#pump();
  }

  /** Lets go of the slabs kept for reuse: the connection has gone quiet. */
  releaseSpares(): void {
    this.#pool.release();
  }

  /**
   * Resolves once fewer than `limits.bytes` bytes and `limits.frames` frames
   * are queued, or the writer stops.
   *
   * @param limits The bounds to get under.
   * @returns A promise that never rejects.
   */
  below(limits: QueueLimits): Promise<void> {
    const frames = limits.frames ?? Infinity;
    if (
      this.#stopped || (this.#bytes < limits.bytes && this.#frames < frames)
    ) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#waiters.push({ bytes: limits.bytes, frames, resolve });
    });
  }

  /** Drops every queued byte and wakes every waiter; later writes are ignored. */
  stop(): void {
    this.#stopped = true;
    this.#turn?.cancel();
    this.#sealed = [];
    this.#sealedFrames = [];
    this.#start = this.#end;
    this.#openFrames = 0;
    this.#bytes = 0;
    this.#frames = 0;
    this.#wake();
  }

  /**
   * Seals the slab and starts a fresh one: the same slab again when every
   * byte of it is already written and the transport copies on write, else
   * one from the pool.
   */
  #newSlab(): void {
    this.#seal();
    if (this.#free(this.#slab.buffer)) {
      this.#start = 0;
      this.#end = 0;
      return;
    }
    this.#slab = this.#pool.take();
    this.#start = 0;
    this.#end = 0;
  }

  /** Moves the slab's unsent bytes to the sealed queue. */
  #seal(): void {
    if (this.#end === this.#start) return;
    this.#sealed.push(this.#slab.subarray(this.#start, this.#end));
    this.#sealedFrames.push(this.#openFrames);
    this.#start = this.#end;
    this.#openFrames = 0;
  }

  async #pump(): Promise<void> {
    if (this.#writing) return;
    this.#writing = true;
    try {
      this.#seal();
      while (!this.#stopped && this.#sealed.length > 0) {
        const chunk = this.#sealed.shift()!;
        const frames = this.#sealedFrames.shift()!;
        this.#options.onWrite?.();
        this.#inFlight = chunk.buffer;
        await this.#writer.write(chunk);
        this.#inFlight = undefined;
        if (this.#stopped) break;
        this.#recycle(chunk.buffer);
        this.#bytes -= chunk.length;
        this.#frames -= frames;
        this.#wake();
        if (
          this.#sealed.length === 0 && this.#end > this.#start &&
          this.#end - this.#start < COALESCE_BYTES
        ) {
          this.#turn = nextTurn();
          await this.#turn.promise;
          this.#turn = undefined;
        }
        this.#seal();
      }
    } catch (error) {
      if (!this.#stopped) {
        this.stop();
        this.#options.onError(error);
      }
    } finally {
      this.#writing = false;
    }
  }

  /**
   * Keeps the slab behind a written chunk for reuse once nothing of it is
   * left to write and frames go into another one.
   */
  #recycle(buffer: ArrayBufferLike): void {
    if (buffer !== this.#slab.buffer && this.#free(buffer)) {
      this.#pool.giveBack(buffer);
    }
  }

  /** `true` when no byte of `buffer` waits to be written or is being written. */
  #free(buffer: ArrayBufferLike): boolean {
    if (this.#writer.copiesOnWrite !== true || buffer === this.#inFlight) {
      return false;
    }
    for (const chunk of this.#sealed) if (chunk.buffer === buffer) return false;
    return true;
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (
        this.#stopped ||
        (this.#bytes < waiter.bytes && this.#frames < waiter.frames)
      ) {
        waiter.resolve();
      } else {
        waiting.push(waiter);
      }
    }
    this.#waiters = waiting;
  }
}
