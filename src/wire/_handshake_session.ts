/**
 * One run of the handshake on one connection: the state behind
 * `handshake()`.
 *
 * @module
 */

import {
  wireEnds,
  type WireReader,
  type WireWriter,
} from "../transport/_wire_ends.ts";
import { HandshakeError } from "../errors.ts";
import type { Connection } from "../transport/transport.ts";
import { ByteReader } from "./_byte_reader.ts";
import {
  decodeProperties,
  DEFAULT_MAX_PROPERTIES_SIZE,
  encodeReady,
  encodeReject,
  GREETING_HEADER_SIZE,
  MAGIC,
  reasonOf,
  REJECT_HEADER_SIZE,
  STATUS_READY,
  STATUS_REJECT,
} from "./_handshake_codec.ts";
import { waitAtMost } from "./_wait_at_most.ts";
import type { HandshakeOptions, HandshakeResult } from "./handshake.ts";
import type { SocketType } from "./socket_type.ts";
import {
  authenticate,
  checkPropertiesSize,
  checkSocketType,
  checkVersion,
  type Refusal,
} from "./_greeting_checks.ts";

/** Longest wait for the peer to hang up after this side sent REJECT. */
const REFUSAL_LINGER = 1000;

function ignore(): void {}

/** Drives the exchange of PROTOCOL.md §2 under one deadline. */
export class HandshakeSession {
  #conn: Connection;
  #options: HandshakeOptions;
  #greeting: Uint8Array;
  #reader: WireReader;
  #writer: WireWriter;
  #input: ByteReader;
  #timeout: number;
  #deadline = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #interrupted: Promise<never>;
  #interrupt!: (reason: unknown) => void;
  /** The error this side refused the peer with; a REJECT is owed for it. */
  #refusal: HandshakeError | undefined;

  /**
   * Locks the connection's streams for the handshake.
   *
   * @param conn The fresh connection.
   * @param options Checked options.
   * @param greeting This side's greeting bytes.
   */
  constructor(
    conn: Connection,
    options: HandshakeOptions,
    greeting: Uint8Array,
  ) {
    this.#conn = conn;
    this.#options = options;
    this.#greeting = greeting;
    this.#timeout = options.timeout ?? 5000;
    const { reader, writer } = wireEnds(conn);
    this.#reader = reader;
    this.#writer = writer;
    this.#input = new ByteReader(this.#reader);
    this.#interrupted = new Promise<never>((_, reject) => {
      this.#interrupt = reject;
    });
    this.#interrupted.catch(ignore);
  }

  /**
   * Runs the handshake to the end.
   *
   * @returns The handshaken connection's state.
   * @throws {HandshakeError} When it fails; the connection is then closed.
   */
  async run(): Promise<HandshakeResult> {
    this.#arm();
    try {
      const exchange = this.#exchange();
      exchange.catch(ignore);
      return await Promise.race([exchange, this.#interrupted]);
    } catch (error) {
      this.#disarm();
      await this.#fail(error);
      throw error;
    } finally {
      this.#disarm();
    }
  }

  #onAbort = (): void => {
    this.#interrupt(this.#options.signal?.reason);
  };

  #arm(): void {
    this.#deadline = performance.now() + this.#timeout;
    const signal = this.#options.signal;
    if (signal?.aborted) {
      this.#interrupt(signal.reason);
      return;
    }
    signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#timer = setTimeout(() => {
      this.#interrupt(
        new HandshakeError(
          `Cannot handshake with ${this.#conn.remoteAddress}: no answer within ${this.#timeout} ms`,
          { reason: "timeout" },
        ),
      );
    }, this.#timeout);
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
  }

  async #exchange(): Promise<HandshakeResult> {
    // Both sides greet at once, so the greeting is not awaited here.
    this.#send(this.#greeting).catch(ignore);
    const peerType = await this.#readGreetingHeader();
    const peerProperties = await this.#readProperties();
    await this.#send(encodeReady());
    await this.#readStatus();
    return {
      peerType,
      peerProperties,
      reader: this.#reader,
      writer: this.#writer,
      rest: this.#input.rest(),
    };
  }

  async #readGreetingHeader(): Promise<SocketType> {
    const input = this.#input;
    for (let i = 0; i < MAGIC.length; i++) {
      await this.#need(i + 1);
      if (input.peek(i) !== MAGIC[i]) {
        throw this.#refuse({
          reason: "magic",
          message: "Cannot handshake: peer does not speak msg-ts (bad magic)",
        });
      }
    }
    await this.#need(5);
    this.#check(checkVersion(input.peek(4)));
    await this.#need(6);
    const type = input.peek(5);
    const { socketType, role } = this.#options;
    this.#check(checkSocketType(type, socketType, role));
    return type as SocketType;
  }

  async #readProperties(): Promise<Record<string, unknown>> {
    await this.#need(GREETING_HEADER_SIZE);
    const input = this.#input;
    const size = input.peek(6) * 2 ** 24 +
      ((input.peek(7) << 16) | (input.peek(8) << 8) | input.peek(9));
    const max = this.#options.maxPropertiesSize ?? DEFAULT_MAX_PROPERTIES_SIZE;
    this.#check(checkPropertiesSize(size, max));
    await this.#need(GREETING_HEADER_SIZE + size);
    input.take(GREETING_HEADER_SIZE);
    const properties = decodeProperties(input.take(size));
    if (properties === undefined) {
      throw this.#refuse({
        reason: "malformed",
        message: "Cannot handshake: properties are not one MessagePack map",
      });
    }
    const hook = this.#options.authenticate;
    if (this.#options.role === "accept" && hook !== undefined) {
      this.#check(await authenticate(hook, properties));
    }
    return properties;
  }

  async #readStatus(): Promise<void> {
    await this.#need(1);
    const input = this.#input;
    const status = input.peek(0);
    if (status === STATUS_READY) {
      input.take(1);
      return;
    }
    if (status !== STATUS_REJECT) {
      throw new HandshakeError(
        `Cannot handshake with ${this.#conn.remoteAddress}: unknown status 0x${
          status.toString(16)
        }`,
        { reason: "malformed" },
      );
    }
    await this.#need(REJECT_HEADER_SIZE);
    const reason = reasonOf(input.peek(1)) ?? "malformed";
    const length = (input.peek(2) << 8) | input.peek(3);
    await this.#need(REJECT_HEADER_SIZE + length);
    input.take(REJECT_HEADER_SIZE);
    const message = new TextDecoder().decode(input.take(length));
    throw new HandshakeError(
      message || `Cannot handshake: refused by peer (${reason})`,
      { reason },
    );
  }

  /** Reads until `count` bytes are buffered, or fails as "closed". */
  async #need(count: number): Promise<void> {
    let complete: boolean;
    try {
      complete = await this.#input.ensure(count);
    } catch (cause) {
      throw this.#closedError(cause);
    }
    if (!complete) throw this.#closedError(undefined);
  }

  async #send(bytes: Uint8Array): Promise<void> {
    try {
      await this.#writer.write(bytes);
    } catch (cause) {
      throw this.#closedError(cause);
    }
  }

  #closedError(cause: unknown): HandshakeError {
    return new HandshakeError(
      `Cannot handshake with ${this.#conn.remoteAddress}: connection closed after ${this.#input.received} bytes`,
      { reason: "closed", cause },
    );
  }

  /** Throws `refusal`, if any, as this side's refusal of the peer. */
  #check(refusal: Refusal | undefined): void {
    if (refusal !== undefined) throw this.#refuse(refusal);
  }

  #refuse({ reason, message, cause }: Refusal): HandshakeError {
    const error = new HandshakeError(message, { reason, cause });
    this.#refusal = error;
    return error;
  }

  /** Tells the peer why when this side refused it, then closes. */
  async #fail(error: unknown): Promise<void> {
    if (error instanceof HandshakeError && error === this.#refusal) {
      const goodbye = this.#sayGoodbye(
        encodeReject(error.reason, error.message),
      );
      const left = this.#deadline - performance.now();
      await waitAtMost(goodbye, Math.min(REFUSAL_LINGER, left));
    } else if (error instanceof HandshakeError && error.reason === "timeout") {
      this.#writer.write(encodeReject("timeout", error.message)).catch(ignore);
    }
    this.#reader.cancel().catch(ignore);
    this.#writer.abort().catch(ignore);
    await this.#conn.close().catch(ignore);
  }

  /** Sends REJECT, half-closes, and reads until the peer hangs up. */
  async #sayGoodbye(reject: Uint8Array): Promise<void> {
    try {
      await this.#writer.write(reject);
      await this.#writer.close();
      while (!(await this.#reader.read()).done) {
        // Discard: the peer's bytes no longer matter.
      }
    } catch {
      // The connection broke first; closing follows anyway.
    }
  }
}
