/**
 * The raw baseline on Node: length-prefixed frames straight on `node:net`,
 * no library; `write()` returning false waits for `drain`.
 *
 * Roles: `pub` (64 KiB batches, or one write per message with
 * `--mode=per-write`), `sub`, `rep` and `router` (echo), `req` (ping-pong latency),
 * `pipeline` (`--window` frames in flight).
 *
 * @module
 */

import * as net from "node:net";
import { once } from "node:events";
import { type ChildContext, emit, runRoles } from "./child_io.ts";
import { formatRawAddress, parseRawAddress } from "./endpoint_url.ts";
import { frameBatch, framesPerBatch } from "./frame_batch.ts";
import { FrameCounter } from "./frame_counter.ts";
import { measureLatency } from "./latency_recorder.ts";
import { RateWindow } from "./rate_window.ts";
import { YIELD_EVERY, yieldTurn } from "./yield_turn.ts";

async function listen(
  endpoint: string,
  onSocket: (socket: net.Socket) => void,
): Promise<{ server: net.Server; endpoint: string }> {
  const address = parseRawAddress(endpoint);
  const server = net.createServer({ noDelay: true }, onSocket);
  if (address.transport === "tcp") {
    server.listen({ host: address.host, port: address.port });
  } else {
    server.listen(address.path);
  }
  await once(server, "listening");
  const bound = address.transport === "tcp"
    ? formatRawAddress({
      ...address,
      port: (server.address() as net.AddressInfo).port,
    })
    : formatRawAddress(address);
  return { server, endpoint: bound };
}

async function connect(endpoint: string): Promise<net.Socket> {
  const address = parseRawAddress(endpoint);
  const socket = address.transport === "tcp"
    ? net.connect({ host: address.host, port: address.port, noDelay: true })
    : net.connect({ path: address.path });
  await once(socket, "connect");
  return socket;
}

async function publish({ args, commands, peakRss }: ChildContext) {
  const sockets: net.Socket[] = [];
  let enough = () => {};
  const accepted = new Promise<void>((resolve) => (enough = resolve));
  const { server, endpoint } = await listen(args.endpoint, (socket) => {
    socket.on("error", () => {});
    sockets.push(socket);
    if (sockets.length >= args.subs) enough();
  });
  emit("ready", { endpoint });
  await Promise.race([accepted, commands.stop]);
  await commands.go;
  const batch = args.mode === "batched"
    ? frameBatch(args.size, framesPerBatch(args.size))
    : frameBatch(args.size, 1);
  const perWrite = batch.length / (args.size + 4);
  let sent = 0;
  const pumps = sockets.map(async (socket) => {
    const drained = () => once(socket, "drain").catch(() => {});
    for (let i = 1; !commands.stopped && !socket.destroyed; i++) {
      if (!socket.write(batch)) {
        await Promise.race([drained(), commands.stop]);
      } else if (i % YIELD_EVERY === 0) {
        // writes that the kernel takes at once never return false: let
        // stdin and timers run
        await yieldTurn();
      }
      sent += perWrite;
    }
  });
  await commands.stop;
  await Promise.all(pumps);
  for (const socket of sockets) socket.destroy();
  server.close();
  emit("final", { sent, rssPeak: peakRss() });
}

async function subscribe({ args, commands }: ChildContext) {
  const socket = await connect(args.endpoint);
  socket.on("error", () => {});
  const counter = new FrameCounter();
  const window = new RateWindow(args.warmup, args.duration);
  window.done.then((sample) => emit("result", { throughput: [sample] }));
  socket.on("data", (chunk: Uint8Array) => {
    const frames = counter.push(chunk);
    window.add(frames, frames * args.size);
  });
  emit("ready");
  await commands.stop;
  socket.destroy();
}

async function echo({ args, commands, peakRss }: ChildContext) {
  const sockets: net.Socket[] = [];
  const { server, endpoint } = await listen(args.endpoint, (socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    socket.on("data", (chunk: Uint8Array) => socket.write(chunk));
  });
  emit("ready", { endpoint });
  await commands.stop;
  for (const socket of sockets) socket.destroy();
  server.close();
  emit("final", { rssPeak: peakRss() });
}

async function ping({ args, commands }: ChildContext) {
  const socket = await connect(args.endpoint);
  socket.on("error", () => {});
  const counter = new FrameCounter();
  let replied = () => {};
  socket.on("data", (chunk: Uint8Array) => {
    if (counter.push(chunk) > 0) replied();
  });
  emit("ready");
  await commands.go;
  const frame = frameBatch(args.size, 1);
  function roundTrip() {
    const reply = new Promise<void>((resolve) => (replied = resolve));
    socket.write(frame);
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
  socket.destroy();
}

async function pipeline({ args, commands }: ChildContext) {
  const socket = await connect(args.endpoint);
  socket.on("error", () => {});
  const frames = frameBatch(args.size, args.window);
  const frameBytes = args.size + 4;
  const counter = new FrameCounter();
  const window = new RateWindow(args.warmup, args.duration);
  socket.on("data", (chunk: Uint8Array) => {
    const replies = counter.push(chunk);
    window.add(replies, replies * args.size);
    if (replies > 0 && !window.closed) {
      socket.write(frames.subarray(0, replies * frameBytes));
    }
  });
  emit("ready");
  await commands.go;
  socket.write(frames);
  const sample = await Promise.race([window.done, commands.stop]);
  if (sample !== undefined) emit("result", { throughput: [sample] });
  await commands.stop;
  socket.destroy();
}

runRoles("raw_node", {
  pub: publish,
  sub: subscribe,
  rep: echo,
  router: echo,
  req: ping,
  pipeline: pipeline,
});
