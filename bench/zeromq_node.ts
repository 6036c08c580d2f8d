/**
 * The libzmq baseline: the `zeromq` npm package (libzmq 4.3.5) on Node.
 *
 * Roles: `pub` (PUB, topic "bench"), `sub` (SUB), `rep` (REP), `req` (REQ,
 * one in flight: latency), `router` (ROUTER echo), `pipeline` (DEALER with
 * `--window` requests in flight).
 *
 * @module
 */

import * as zmq from "zeromq";
import { type ChildContext, emit, runRoles } from "./child_io.ts";
import { measureLatency } from "./latency_recorder.ts";
import { RateWindow } from "./rate_window.ts";
import { YIELD_EVERY, yieldTurn } from "./yield_turn.ts";

const TOPIC = "bench";

/** libzmq spells "any port" `*`, not `0`. */
function zmqEndpoint(endpoint: string): string {
  return endpoint.replace(/^(tcp:\/\/[^:]+):0$/, "$1:*");
}

async function publish({ args, commands, peakRss }: ChildContext) {
  const pub = new zmq.Publisher({ sendHighWaterMark: args.hwm, linger: 0 });
  await pub.bind(zmqEndpoint(args.endpoint));
  emit("ready", { endpoint: pub.lastEndpoint });
  await commands.go;
  const payload = new Uint8Array(args.size).fill(0x61);
  let sent = 0;
  while (!commands.stopped) {
    await pub.send([TOPIC, payload]);
    if (++sent % YIELD_EVERY === 0) await yieldTurn();
  }
  pub.close();
  emit("final", { sent, rssPeak: peakRss() });
}

async function subscribe({ args, commands }: ChildContext) {
  const sub = new zmq.Subscriber({ receiveHighWaterMark: args.hwm, linger: 0 });
  sub.connect(args.endpoint);
  sub.subscribe(TOPIC);
  emit("ready");
  const window = new RateWindow(args.warmup, args.duration);
  window.done.then((sample) => emit("result", { throughput: [sample] }));
  commands.stop.then(() => sub.close());
  try {
    for await (const [, payload] of sub) window.add(1, payload!.length);
  } catch (error) {
    if (!commands.stopped) throw error;
  }
  await commands.stop;
}

async function reply({ args, commands, peakRss }: ChildContext) {
  const rep = new zmq.Reply({ linger: 0 });
  await rep.bind(zmqEndpoint(args.endpoint));
  emit("ready", { endpoint: rep.lastEndpoint });
  (async () => {
    for await (const [request] of rep) await rep.send(request!);
  })().catch(() => {});
  await commands.stop;
  rep.close();
  emit("final", { rssPeak: peakRss() });
}

async function request({ args, commands }: ChildContext) {
  const req = new zmq.Request({ linger: 0 });
  req.connect(args.endpoint);
  emit("ready");
  await commands.go;
  const payload = new Uint8Array(args.size).fill(0x61);
  async function roundTrip() {
    await req.send(payload);
    await req.receive();
  }
  const latency = await measureLatency(
    roundTrip,
    args.warmup,
    args.duration,
    () => commands.stopped,
  );
  emit("result", { latency });
  await commands.stop;
  req.close();
}

async function route({ args, commands, peakRss }: ChildContext) {
  const router = new zmq.Router({ linger: 0 });
  await router.bind(zmqEndpoint(args.endpoint));
  emit("ready", { endpoint: router.lastEndpoint });
  (async () => {
    for await (const [id, request] of router) {
      await router.send([id!, request!]);
    }
  })().catch(() => {});
  await commands.stop;
  router.close();
  emit("final", { rssPeak: peakRss() });
}

async function pipeline({ args, commands }: ChildContext) {
  const dealer = new zmq.Dealer({
    linger: 0,
    sendHighWaterMark: args.window + 1,
    receiveHighWaterMark: args.window + 1,
  });
  dealer.connect(args.endpoint);
  emit("ready");
  await commands.go;
  const payload = new Uint8Array(args.size).fill(0x61);
  const window = new RateWindow(args.warmup, args.duration);
  let credit = args.window;
  let wake = () => {};
  // zeromq allows one send in progress: one loop sends while credit lasts,
  // another receives and gives credit back
  (async () => {
    while (!window.closed && !commands.stopped) {
      if (credit === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      credit--;
      await dealer.send(payload);
    }
  })().catch(() => {});
  (async () => {
    for await (const [reply] of dealer) {
      window.add(1, reply!.length);
      credit++;
      wake();
      if (window.closed) break;
    }
  })().catch(() => {});
  const sample = await Promise.race([window.done, commands.stop]);
  if (sample !== undefined) emit("result", { throughput: [sample] });
  await commands.stop;
  dealer.close();
}

runRoles("zeromq_node", {
  pub: publish,
  sub: subscribe,
  rep: reply,
  req: request,
  router: route,
  pipeline: pipeline,
});
