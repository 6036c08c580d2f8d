/**
 * msg-ts publish/subscribe through its public API (`PubSocket`,
 * `SubSocket`), in any runtime.
 *
 * Roles: `pub`, `sub`, and `inproc-pubsub` (publisher and `--subs`
 * subscribers in this one process over `inproc://`).
 *
 * @module
 */

import type { BenchArgs } from "./bench_args.ts";
import { type ChildContext, emit, runRoles, settleWithin } from "./child_io.ts";
import { loadMsgTs, type MsgTsPub, type MsgTsSub } from "./msgts_api.ts";
import { RateWindow, type ThroughputSample } from "./rate_window.ts";
import { YIELD_EVERY, yieldTurn } from "./yield_turn.ts";

const TOPIC = "bench";

/** Closing waits at most this long for a socket to linger. */
const CLOSE_MS = 1000;

async function publishUntil(
  pub: MsgTsPub,
  size: number,
  stopped: () => boolean,
): Promise<number> {
  const payload = new Uint8Array(size).fill(0x61);
  let sent = 0;
  while (!stopped()) {
    await pub.publish(TOPIC, payload);
    if (++sent % YIELD_EVERY === 0) await yieldTurn();
  }
  return sent;
}

async function consume(
  sub: MsgTsSub,
  args: BenchArgs,
): Promise<ThroughputSample | undefined> {
  const window = new RateWindow(
    args.warmup,
    args.duration,
    args.size >= 1024 ? 1 : 64,
  );
  for await (const message of sub) {
    window.add(1, message.payload.length);
    if (window.closed) return await window.done;
  }
  return undefined;
}

async function publish({ args, commands, peakRss }: ChildContext) {
  const { PubSocket } = await loadMsgTs();
  // The publisher never changes its payload: large ones need no copy.
  const pub = new PubSocket({ hwm: args.hwm, zeroCopy: true });
  const endpoint = await pub.bind(args.endpoint);
  emit("ready", { endpoint });
  await commands.go;
  const sent = await publishUntil(pub, args.size, () => commands.stopped);
  await settleWithin(pub.close(), CLOSE_MS);
  emit("final", { sent, rssPeak: peakRss() });
}

async function subscribe({ args, commands }: ChildContext) {
  const { SubSocket } = await loadMsgTs();
  const sub = new SubSocket();
  await sub.connect(args.endpoint);
  await sub.subscribe(TOPIC);
  emit("ready");
  const sample = await Promise.race([consume(sub, args), commands.stop]);
  if (sample !== undefined) emit("result", { throughput: [sample] });
  await commands.stop;
  await settleWithin(sub.close(), CLOSE_MS);
}

async function inproc({ args, commands, peakRss }: ChildContext) {
  const { PubSocket, SubSocket } = await loadMsgTs();
  // The publisher never changes its payload: large ones need no copy.
  const pub = new PubSocket({ hwm: args.hwm, zeroCopy: true });
  const endpoint = await pub.bind(args.endpoint);
  const subs: MsgTsSub[] = [];
  for (let i = 0; i < args.subs; i++) {
    const sub = new SubSocket();
    await sub.connect(endpoint);
    await sub.subscribe(TOPIC);
    subs.push(sub);
  }
  emit("ready");
  await commands.go;
  let measured = false;
  const samples = Promise.all(subs.map((sub) => consume(sub, args)));
  const sending = publishUntil(
    pub,
    args.size,
    () => measured || commands.stopped,
  );
  const result = await Promise.race([samples, commands.stop]);
  measured = true;
  const sent = await sending;
  if (result !== undefined) {
    emit("result", { throughput: result.filter((sample) => sample) });
  }
  const closing = [pub, ...subs].map((socket) => socket.close());
  await settleWithin(Promise.all(closing), CLOSE_MS);
  emit("final", { sent, rssPeak: peakRss() });
  await commands.stop;
}

runRoles("msgts_pubsub", {
  pub: publish,
  sub: subscribe,
  "inproc-pubsub": inproc,
});
