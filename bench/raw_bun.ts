/**
 * The raw baseline on Bun: length-prefixed frames straight on
 * `Bun.listen`/`Bun.connect`, no library. `socket.write()` may take only part
 * of a buffer; the rest waits for `drain`.
 *
 * Roles: `pub` (64 KiB batches, or one write per message with
 * `--mode=per-write`), `sub`, `rep` and `router` (echo), `req` (ping-pong latency),
 * `pipeline` (`--window` frames in flight).
 *
 * @module
 */

import { type ChildContext, emit, runRoles } from "./child_io.ts";
import {
  formatRawAddress,
  parseRawAddress,
  type RawAddress,
} from "./endpoint_url.ts";
import { frameBatch, framesPerBatch } from "./frame_batch.ts";
import { FrameCounter } from "./frame_counter.ts";
import { measureLatency } from "./latency_recorder.ts";
import { RateWindow } from "./rate_window.ts";
import { YIELD_EVERY, yieldTurn } from "./yield_turn.ts";

/** What this file does with each socket's events. */
interface Peer {
  onData(chunk: Uint8Array): void;
  writer: BunWriter;
}

interface BunSocket {
  data: Peer | undefined;
  write(bytes: Uint8Array): number;
  end(): void;
}

interface SocketHandler {
  open(socket: BunSocket): void;
  data(socket: BunSocket, chunk: Uint8Array): void;
  drain(socket: BunSocket): void;
  close(socket: BunSocket): void;
  error(socket: BunSocket, error: Error): void;
}

interface BunListener {
  readonly port?: number;
  stop(closeActiveConnections?: boolean): void;
}

type BunAddressOptions = { hostname: string; port: number } | { unix: string };

interface BunApi {
  listen(options: BunAddressOptions & { socket: SocketHandler }): BunListener;
  connect(
    options: BunAddressOptions & { socket: SocketHandler },
  ): Promise<BunSocket>;
}

const bun = (globalThis as unknown as { Bun: BunApi }).Bun;

/** Writes whole buffers on a Bun socket, keeping what it did not take for `drain`. */
class BunWriter {
  #socket: BunSocket;
  #pending: Uint8Array[] = [];
  #wake: (() => void) | undefined;

  constructor(socket: BunSocket) {
    this.#socket = socket;
  }

  /** Writes `bytes`; false when some wait for `drain` (they are copied). */
  write(bytes: Uint8Array): boolean {
    if (this.#pending.length > 0) {
      this.#pending.push(bytes.slice());
      return false;
    }
    const n = this.#socket.write(bytes);
    if (n < 0) throw new Error("The socket is closed");
    if (n === bytes.length) return true;
    this.#pending.push(bytes.slice(n));
    return false;
  }

  /** Resolves once nothing waits for `drain`. */
  ready(): Promise<void> {
    if (this.#pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => (this.#wake = resolve));
  }

  /** Called on `drain`: writes what waits. */
  drain(): void {
    while (this.#pending.length > 0) {
      const head = this.#pending[0]!;
      const n = this.#socket.write(head);
      if (n < 0) return;
      if (n < head.length) {
        this.#pending[0] = head.subarray(n);
        return;
      }
      this.#pending.shift();
    }
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function addressOptions(address: RawAddress): BunAddressOptions {
  return address.transport === "tcp"
    ? { hostname: address.host, port: address.port }
    : { unix: address.path };
}

/** One handler for every socket: dispatches to the `Peer` in `socket.data`. */
function handler(onOpen: (socket: BunSocket) => Peer): SocketHandler {
  return {
    open: (socket) => void (socket.data = onOpen(socket)),
    data: (socket, chunk) => socket.data?.onData(chunk),
    drain: (socket) => socket.data?.writer.drain(),
    close: () => {},
    error: () => {},
  };
}

function listen(address: RawAddress, onOpen: (socket: BunSocket) => Peer) {
  const listener = bun.listen({
    ...addressOptions(address),
    socket: handler(onOpen),
  });
  const endpoint = address.transport === "tcp"
    ? formatRawAddress({ ...address, port: listener.port! })
    : formatRawAddress(address);
  return { listener, endpoint };
}

function connect(endpoint: string, onData: (chunk: Uint8Array) => void) {
  return bun.connect({
    ...addressOptions(parseRawAddress(endpoint)),
    socket: handler((socket) => ({ onData, writer: new BunWriter(socket) })),
  });
}

async function publish({ args, commands, peakRss }: ChildContext) {
  const peers: Peer[] = [];
  let enough = () => {};
  const accepted = new Promise<void>((resolve) => (enough = resolve));
  const { listener, endpoint } = listen(
    parseRawAddress(args.endpoint),
    (socket) => {
      const peer = { onData: () => {}, writer: new BunWriter(socket) };
      peers.push(peer);
      if (peers.length >= args.subs) enough();
      return peer;
    },
  );
  emit("ready", { endpoint });
  await Promise.race([accepted, commands.stop]);
  await commands.go;
  const batch = args.mode === "batched"
    ? frameBatch(args.size, framesPerBatch(args.size))
    : frameBatch(args.size, 1);
  const perWrite = batch.length / (args.size + 4);
  let sent = 0;
  const pumps = peers.map(async ({ writer }) => {
    try {
      for (let i = 1; !commands.stopped; i++) {
        if (!writer.write(batch)) {
          await Promise.race([writer.ready(), commands.stop]);
        } else if (i % YIELD_EVERY === 0) {
          // Bun may take every write whole: let stdin and timers run
          await yieldTurn();
        }
        sent += perWrite;
      }
    } catch {
      // the subscriber went away
    }
  });
  await commands.stop;
  await Promise.all(pumps);
  listener.stop(true);
  emit("final", { sent, rssPeak: peakRss() });
}

async function subscribe({ args, commands }: ChildContext) {
  const counter = new FrameCounter();
  const window = new RateWindow(args.warmup, args.duration);
  window.done.then((sample) => emit("result", { throughput: [sample] }));
  const socket = await connect(args.endpoint, (chunk) => {
    const frames = counter.push(chunk);
    window.add(frames, frames * args.size);
  });
  emit("ready");
  await commands.stop;
  socket.end();
}

async function echo({ args, commands, peakRss }: ChildContext) {
  const { listener, endpoint } = listen(
    parseRawAddress(args.endpoint),
    (socket) => {
      const writer = new BunWriter(socket);
      return { onData: (chunk) => void writer.write(chunk), writer };
    },
  );
  emit("ready", { endpoint });
  await commands.stop;
  listener.stop(true);
  emit("final", { rssPeak: peakRss() });
}

async function ping({ args, commands }: ChildContext) {
  const counter = new FrameCounter();
  let replied = () => {};
  const socket = await connect(args.endpoint, (chunk) => {
    if (counter.push(chunk) > 0) replied();
  });
  emit("ready");
  await commands.go;
  const frame = frameBatch(args.size, 1);
  const writer = socket.data!.writer;
  function roundTrip() {
    const reply = new Promise<void>((resolve) => (replied = resolve));
    writer.write(frame);
    return reply;
  }
  const latency = await measureLatency(
    roundTrip,
    args.warmup,
    args.duration,
    () => commands.stopped,
  );
  emit("result", { latency });
  await commands.stop;
  socket.end();
}

async function pipeline({ args, commands }: ChildContext) {
  const frames = frameBatch(args.size, args.window);
  const frameBytes = args.size + 4;
  const counter = new FrameCounter();
  const window = new RateWindow(args.warmup, args.duration);
  // replies only come after the first write, once `socket` is set
  const socket: BunSocket = await connect(args.endpoint, (chunk) => {
    const replies = counter.push(chunk);
    window.add(replies, replies * args.size);
    if (replies > 0 && !window.closed) {
      socket.data!.writer.write(frames.subarray(0, replies * frameBytes));
    }
  });
  emit("ready");
  await commands.go;
  socket.data!.writer.write(frames);
  const sample = await Promise.race([window.done, commands.stop]);
  if (sample !== undefined) emit("result", { throughput: [sample] });
  await commands.stop;
  socket.end();
}

runRoles("raw_bun", {
  pub: publish,
  sub: subscribe,
  rep: echo,
  router: echo,
  req: ping,
  pipeline: pipeline,
});
