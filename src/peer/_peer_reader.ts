/**
 * The inbound side of a peer: reads chunks, parses frames, answers nothing
 * itself but sorts what it reads into callbacks.
 *
 * @module
 */

import type { WireReader } from "../transport/_wire_ends.ts";
import { FrameParser } from "../frame/decode_frame.ts";
import type { Frame } from "../frame/frame.ts";
import { splitControl } from "./_control_frames.ts";

/** Where a {@linkcode PeerReader} reports. */
export interface PeerReaderEvents {
  /** Bytes arrived (any bytes: the heartbeat's "received" clock). */
  onBytes(): void;
  /**
   * About to ask the transport for more bytes, after what was delivered
   * has had one microtask to react (replies, next requests).
   */
  beforeRead(): void;
  /** A batch of socket frames, in order, never empty. */
  onFrames(frames: Frame[]): void;
  /** Pings to answer, by id. */
  onPings(ids: readonly number[]): void;
  /** The peer said Close. */
  onClose(): void;
  /** The stream ended without a Close frame. */
  onEnd(): void;
  /** The bytes broke the protocol (`ProtocolError`) or the read failed. */
  onError(error: unknown, reading: boolean): void;
}

/**
 * Reads a connection with the sync frame parser, one batch per chunk.
 *
 * - Batches read while paused are held and delivered, in order, on resume;
 *   a Close frame behind them is reported only after them, so a paused
 *   reader loses nothing its peer sent before saying goodbye.
 * - `discard()` keeps reading to the end of the stream but drops
 *   everything (a closing peer waits for the remote to hang up).
 * - `ended` resolves when the stream ends, breaks, or `stop()` is called.
 */
export class PeerReader {
  /** Resolves once reading is over for good. */
  readonly ended: Promise<void>;
  #reader: WireReader;
  #parser: FrameParser;
  #events: PeerReaderEvents;
  #rest: Uint8Array | undefined;
  #mode: "deliver" | "discard" | "stopped" = "deliver";
  #paused = false;
  #reading = false;
  #started = false;
  #held: Frame[][] = [];
  /** Frames went out since the last read: let them be answered first. */
  #delivered = false;
  /** A Close frame came behind held batches: reported once they are delivered. */
  #closeHeld = false;
  #end!: () => void;

  /**
   * Makes a reader; nothing is read until `read()`.
   *
   * @param reader The connection's locked reader.
   * @param rest Bytes read before (after the handshake), parsed first.
   * @param maxFrameSize The parser's bound.
   * @param events Where to report.
   */
  constructor(
    reader: WireReader,
    rest: Uint8Array,
    maxFrameSize: number,
    events: PeerReaderEvents,
  ) {
    this.#reader = reader;
    this.#rest = rest.length > 0 ? rest : undefined;
    this.#parser = new FrameParser({ maxFrameSize });
    this.#events = events;
    this.ended = new Promise((resolve) => this.#end = resolve);
  }

  /** Starts (or restarts) the read loop on a microtask. */
  read(): void {
    this.#started = true;
    if (this.#reading || this.#mode === "stopped") return;
    this.#reading = true;
    queueMicrotask(() => void this.#loop());
  }

  /** Stops reading after the chunk in flight; it is held. */
  pause(): void {
    this.#paused = true;
  }

  /** Delivers held batches, then reads again. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#held.length > 0) queueMicrotask(() => this.#deliverHeld());
    else if (this.#started) this.read();
  }

  /** Reads on to the end of the stream, dropping everything. */
  discard(): void {
    if (this.#mode !== "deliver") return;
    this.#mode = "discard";
    this.#held = [];
    this.read();
  }

  /** Stops for good and cancels the reader. */
  stop(): void {
    this.#mode = "stopped";
    this.#held = [];
    this.#end();
    this.#reader.cancel().catch(() => {});
  }

  async #loop(): Promise<void> {
    try {
      this.#deliverHeld();
      if (this.#rest !== undefined) {
        const rest = this.#rest;
        this.#rest = undefined;
        this.#onChunk(rest);
      }
      while (
        this.#mode === "discard" || (this.#mode === "deliver" && !this.#paused)
      ) {
        if (this.#delivered) {
          this.#delivered = false;
          await undefined;
          this.#events.beforeRead();
        }
        const { value, done } = await this.#reader.read();
        if (done) {
          this.#end();
          if (this.#mode === "deliver") this.#events.onEnd();
          return;
        }
        this.#onChunk(value);
      }
    } catch (error) {
      this.#end();
      if (this.#mode === "deliver") this.#events.onError(error, true);
    } finally {
      this.#reading = false;
    }
  }

  #onChunk(chunk: Uint8Array): void {
    this.#events.onBytes();
    if (this.#mode !== "deliver") return;
    let frames: Frame[];
    try {
      frames = this.#parser.push(chunk);
    } catch (error) {
      this.#events.onError(error, false);
      return;
    }
    if (frames.length === 0) return;
    const { data, pings, close } = splitControl(frames);
    if (pings.length > 0) this.#events.onPings(pings);
    if (data.length > 0) {
      if (this.#paused || this.#held.length > 0) this.#held.push(data);
      else {
        this.#events.onFrames(data);
        this.#delivered = true;
      }
    }
    if (!close) return;
    if (this.#held.length > 0) this.#closeHeld = true;
    else this.#events.onClose();
  }

  #deliverHeld(): void {
    while (this.#held.length > 0 && !this.#paused && this.#mode === "deliver") {
      this.#events.onFrames(this.#held.shift()!);
    }
    if (
      this.#held.length === 0 && this.#closeHeld && this.#mode === "deliver"
    ) {
      this.#closeHeld = false;
      this.#events.onClose();
      return;
    }
    if (this.#held.length === 0 && !this.#paused && this.#started) this.read();
  }
}
