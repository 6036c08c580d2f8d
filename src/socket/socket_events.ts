/**
 * Connection events every socket emits, and the typed `EventTarget` they
 * come from.
 *
 * @module
 */

/** Detail of `connect`, `reconnect` and `disconnect` events. */
export interface ConnectionEventDetail {
  /** The endpoint this socket dialled or bound. */
  endpoint: string;
  /** The peer's address. */
  remoteAddress: string;
  /** Process-unique id of the connection. */
  peerId: number;
  /**
   * `disconnect`: why the connection ended, when it was not orderly (a
   * `ConnectionError` with code `"reset"` for a broken connection,
   * `"timeout"` for a peer silent past `heartbeatTimeout`, a
   * `ProtocolError` for bad frames). `reconnect`: why the previous
   * connection to this endpoint ended. Absent after an orderly close.
   */
  cause?: Error;
  /** `reconnect` only: dials it took to connect again, the successful one included. */
  attempts?: number;
  /**
   * `reconnect` only: ms the endpoint had no connection. Messages published
   * meanwhile were not delivered to this socket, and requests sent on the
   * lost connection failed or were sent again (see `Socket`, "Durability").
   */
  downtime?: number;
}

/** Detail of a `drop` event: a message that was not delivered. */
export interface DropEventDetail {
  /**
   * Why: `"hwm"` (a peer's queue was full), `"filtered"` (no subscription
   * matched), `"decode"` (the codec could not decode the payload).
   */
  reason: "hwm" | "filtered" | "decode";
  /** Topic of the dropped message, when it had one. */
  topic?: string;
  /** Id of the peer it was meant for, when known. */
  peerId?: number;
}

/** Detail of an `error` event: something failed that no call is waiting for. */
export interface ErrorEventDetail {
  /** The endpoint concerned. */
  endpoint: string;
  /** What failed. */
  error: Error;
}

/** Every event a socket emits, by name. */
export interface SocketEventMap {
  /** A connection was handshaken (the first one to a dialled endpoint, or any accepted one). */
  connect: ConnectionEventDetail;
  /** A dialler connected again after losing its connection; `cause`, `attempts` and `downtime` say how. */
  reconnect: ConnectionEventDetail;
  /** A connection ended. */
  disconnect: ConnectionEventDetail;
  /** A message was not delivered and was counted in `stats.drops`. */
  drop: DropEventDetail;
  /** A background failure: a dialler gave up, a handshake was refused. */
  error: ErrorEventDetail;
}

/**
 * An `EventTarget` whose `addEventListener` knows the socket events.
 *
 * @example Watching connections
 * ```ts
 * import { SocketEventTarget } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const target = new SocketEventTarget();
 * let seen = "";
 * target.addEventListener("connect", (event) => seen = event.detail.endpoint);
 * target.dispatchEvent(new CustomEvent("connect", { detail: { endpoint: "inproc://a", remoteAddress: "", peerId: 1 } }));
 * assert.equal(seen, "inproc://a");
 * ```
 */
export class SocketEventTarget extends EventTarget {
  /**
   * Listeners added, by type, with the capture flags each was added with,
   * as `EventTarget` keys them: adding one twice, or removing one never
   * added, changes nothing, and one that ends by `once` or by its signal
   * leaves the list when it ends.
   */
  #listening = new Map<string, Map<unknown, Set<boolean>>>();

  /**
   * Adds a listener for a socket event.
   *
   * @param type The event name.
   * @param listener Receives a `CustomEvent` whose `detail` describes the event.
   * @param options The usual `addEventListener` options (`once`, `signal`).
   */
  override addEventListener<K extends keyof SocketEventMap>(
    type: K,
    listener: (event: CustomEvent<SocketEventMap[K]>) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /**
   * Adds a listener for any event, as `EventTarget` does.
   *
   * @param type The event name.
   * @param listener The listener.
   * @param options The usual `addEventListener` options.
   */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener:
      | EventListenerOrEventListenerObject
      | null
      | ((event: CustomEvent) => void),
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(
      type,
      listener as EventListenerOrEventListenerObject | null,
      options,
    );
    if (listener === null) return;
    if (typeof options === "object" && options.signal?.aborted) return;
    let byListener = this.#listening.get(type);
    if (byListener === undefined) {
      byListener = new Map();
      this.#listening.set(type, byListener);
    }
    let captures = byListener.get(listener);
    if (captures === undefined) {
      captures = new Set();
      byListener.set(listener, captures);
    }
    const capture = captureOf(options);
    captures.add(capture);
    if (typeof options !== "object") return;
    const forget = () => this.#forget(type, listener, capture);
    if (options.once === true) {
      super.addEventListener(type, forget, { once: true, capture });
    }
    options.signal?.addEventListener("abort", forget, { once: true });
  }

  /**
   * Removes a listener added with `addEventListener`.
   *
   * @param type The event name.
   * @param listener The listener to remove.
   * @param options The same `capture` flag it was added with.
   */
  override removeEventListener(
    type: string,
    listener:
      | EventListenerOrEventListenerObject
      | null
      | ((event: CustomEvent) => void),
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(
      type,
      listener as EventListenerOrEventListenerObject | null,
      options,
    );
    this.#forget(type, listener, captureOf(options));
  }

  #forget(type: string, listener: unknown, capture: boolean): void {
    const byListener = this.#listening.get(type);
    const captures = byListener?.get(listener);
    if (captures === undefined) return;
    captures.delete(capture);
    if (captures.size > 0) return;
    byListener!.delete(listener);
    if (byListener!.size === 0) this.#listening.delete(type);
  }

  /** True when a listener for `type` may be attached (hot paths skip building events otherwise). */
  protected listening(type: keyof SocketEventMap): boolean {
    return this.#listening.has(type);
  }

  /** Emits `type` with `detail` when anyone listens. */
  protected emit<K extends keyof SocketEventMap>(
    type: K,
    detail: SocketEventMap[K],
  ): void {
    if (this.listening(type)) {
      this.dispatchEvent(new CustomEvent(type, { detail }));
    }
  }
}

function captureOf(options?: boolean | EventListenerOptions): boolean {
  return typeof options === "boolean" ? options : options?.capture ?? false;
}
