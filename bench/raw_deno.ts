/**
 * The raw baseline on Deno: length-prefixed frames straight on
 * `Deno.listen`/`Deno.connect` with `conn.read`/`conn.write`, no library.
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

const READ_BYTES = 256 * 1024;

function listen(address: RawAddress): Deno.Listener {
  return address.transport === "tcp"
    ? Deno.listen({ hostname: address.host, port: address.port })
    : Deno.listen({ transport: "unix", path: address.path });
}

function boundUrl(listener: Deno.Listener, address: RawAddress): string {
  if (address.transport === "ipc") return formatRawAddress(address);
  const port = (listener.addr as Deno.NetAddr).port;
  return formatRawAddress({ ...address, port });
}

function connect(address: RawAddress): Promise<Deno.Conn> {
  return address.transport === "tcp"
    ? Deno.connect({ hostname: address.host, port: address.port })
    : Deno.connect({ transport: "unix", path: address.path });
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array) {
  let written = await conn.write(bytes);
  while (written < bytes.length) {
    written += await conn.write(bytes.subarray(written));
  }
}

function closeQuietly(closer: { close(): void }) {
  try {
    closer.close();
  } catch {
    // already closed
  }
}

async function publish({ args, commands, peakRss }: ChildContext) {
  const address = parseRawAddress(args.endpoint);
  const listener = listen(address);
  emit("ready", { endpoint: boundUrl(listener, address) });
  const conns: Deno.Conn[] = [];
  const accepted = (async () => {
    while (conns.length < args.subs) conns.push(await listener.accept());
  })();
  await Promise.race([accepted, commands.stop]);
  await commands.go;
  const batch = args.mode === "batched"
    ? frameBatch(args.size, framesPerBatch(args.size))
    : frameBatch(args.size, 1);
  const perWrite = batch.length / (args.size + 4);
  let sent = 0;
  const pumps = conns.map(async (conn) => {
    try {
      while (!commands.stopped) {
        await writeAll(conn, batch);
        sent += perWrite;
      }
    } catch {
      // the subscriber went away
    }
  });
  await commands.stop;
  for (const conn of conns) closeQuietly(conn);
  await Promise.all(pumps);
  closeQuietly(listener);
  emit("final", { sent, rssPeak: peakRss() });
}

async function subscribe({ args, commands }: ChildContext) {
  const conn = await connect(parseRawAddress(args.endpoint));
  emit("ready");
  const counter = new FrameCounter();
  const window = new RateWindow(args.warmup, args.duration);
  window.done.then((sample) => emit("result", { throughput: [sample] }));
  commands.stop.then(() => closeQuietly(conn));
  const buffer = new Uint8Array(READ_BYTES);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      const frames = counter.push(buffer.subarray(0, n));
      window.add(frames, frames * args.size);
    }
  } catch (error) {
    if (!commands.stopped) throw error;
  }
  await commands.stop;
  closeQuietly(conn);
}

async function serveEcho(conn: Deno.Conn) {
  const buffer = new Uint8Array(READ_BYTES);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      await writeAll(conn, buffer.subarray(0, n));
    }
  } catch {
    // the client went away
  }
  closeQuietly(conn);
}

async function echo({ args, commands, peakRss }: ChildContext) {
  const address = parseRawAddress(args.endpoint);
  const listener = listen(address);
  emit("ready", { endpoint: boundUrl(listener, address) });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      serveEcho(conn);
    }
  })().catch(() => {});
  await commands.stop;
  closeQuietly(listener);
  for (const conn of conns) closeQuietly(conn);
  emit("final", { rssPeak: peakRss() });
}

async function ping({ args, commands }: ChildContext) {
  const conn = await connect(parseRawAddress(args.endpoint));
  emit("ready");
  await commands.go;
  const frame = frameBatch(args.size, 1);
  const buffer = new Uint8Array(READ_BYTES);
  const counter = new FrameCounter();
  async function roundTrip() {
    await writeAll(conn, frame);
    let frames = 0;
    while (frames === 0) {
      const n = await conn.read(buffer);
      if (n === null) throw new Error("The echo server closed the connection");
      frames = counter.push(buffer.subarray(0, n));
    }
  }
  const latency = await measureLatency(
    roundTrip,
    args.warmup,
    args.duration,
    () => commands.stopped,
  );
  emit("result", { latency });
  await commands.stop;
  closeQuietly(conn);
}

async function pipeline({ args, commands }: ChildContext) {
  const conn = await connect(parseRawAddress(args.endpoint));
  emit("ready");
  await commands.go;
  const frames = frameBatch(args.size, args.window);
  const frameBytes = args.size + 4;
  const buffer = new Uint8Array(READ_BYTES);
  const counter = new FrameCounter();
  const window = new RateWindow(args.warmup, args.duration);
  await writeAll(conn, frames);
  while (!window.closed && !commands.stopped) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error("The echo server closed the connection");
    const replies = counter.push(buffer.subarray(0, n));
    window.add(replies, replies * args.size);
    if (replies > 0) {
      await writeAll(conn, frames.subarray(0, replies * frameBytes));
    }
  }
  if (window.closed) emit("result", { throughput: [await window.done] });
  await commands.stop;
  closeQuietly(conn);
}

runRoles("raw_deno", {
  pub: publish,
  sub: subscribe,
  rep: echo,
  router: echo,
  req: ping,
  pipeline: pipeline,
});
