/**
 * msg-ts request/reply through its public API (`ReqSocket`, `RepSocket`),
 * in any runtime.
 *
 * Roles: `rep` and `router` (a `RepSocket` answering with the request's
 * payload), `req` (one request in flight: latency), `pipeline` (`--window`
 * requests in flight: round trips/s), and `inproc-req`/`inproc-pipeline`
 * (both ends in this one process over `inproc://`).
 *
 * @module
 */

import type { BenchArgs } from "./bench_args.ts";
import { type ChildContext, emit, runRoles, settleWithin } from "./child_io.ts";
import { measureLatency } from "./latency_recorder.ts";
import { loadMsgTs, type MsgTsRep, type MsgTsReq } from "./msgts_api.ts";
import { RateWindow, type ThroughputSample } from "./rate_window.ts";

/** Closing waits at most this long for a socket to linger. */
const CLOSE_MS = 1000;

/** A request waits at most this long for its reply. */
const REQUEST_TIMEOUT_MS = 10_000;

async function serve(rep: MsgTsRep) {
  for await (const request of rep) await request.respond(request.payload);
}

function latency(req: MsgTsReq, args: BenchArgs, stopped: () => boolean) {
  const payload = new Uint8Array(args.size).fill(0x61);
  return measureLatency(
    () => req.request(payload),
    args.warmup,
    args.duration,
    stopped,
  );
}

async function pipelined(
  req: MsgTsReq,
  args: BenchArgs,
  stop: Promise<void>,
): Promise<ThroughputSample | undefined> {
  const payload = new Uint8Array(args.size).fill(0x61);
  const window = new RateWindow(args.warmup, args.duration, 64);
  let stopped = false;
  stop.then(() => (stopped = true));
  async function worker() {
    while (!window.closed && !stopped) {
      const reply = await req.request(payload);
      window.add(1, reply.length);
    }
  }
  const workers = Array.from({ length: args.window }, worker);
  const failed = Promise.all(workers).then(() => undefined);
  return await Promise.race([window.done, stop.then(() => undefined), failed]);
}

async function reply({ args, commands, peakRss }: ChildContext) {
  const { RepSocket } = await loadMsgTs();
  const rep = new RepSocket();
  const endpoint = await rep.bind(args.endpoint);
  emit("ready", { endpoint });
  serve(rep).catch(() => {});
  await commands.stop;
  await settleWithin(rep.close(), CLOSE_MS);
  emit("final", { rssPeak: peakRss() });
}

async function connectReq(endpoint: string): Promise<MsgTsReq> {
  const { ReqSocket } = await loadMsgTs();
  const req = new ReqSocket({ timeout: REQUEST_TIMEOUT_MS });
  await req.connect(endpoint);
  return req;
}

async function request({ args, commands }: ChildContext) {
  const req = await connectReq(args.endpoint);
  emit("ready");
  await commands.go;
  emit("result", { latency: await latency(req, args, () => commands.stopped) });
  await commands.stop;
  await settleWithin(req.close(), CLOSE_MS);
}

async function pipeline({ args, commands }: ChildContext) {
  const req = await connectReq(args.endpoint);
  emit("ready");
  await commands.go;
  const sample = await pipelined(req, args, commands.stop);
  if (sample !== undefined) emit("result", { throughput: [sample] });
  await commands.stop;
  await settleWithin(req.close(), CLOSE_MS);
}

async function inproc({ args, commands, peakRss }: ChildContext) {
  const { RepSocket } = await loadMsgTs();
  const rep = new RepSocket();
  const endpoint = await rep.bind(args.endpoint);
  serve(rep).catch(() => {});
  const req = await connectReq(endpoint);
  emit("ready");
  await commands.go;
  if (args.role === "inproc-req") {
    emit("result", {
      latency: await latency(req, args, () => commands.stopped),
    });
  } else {
    const sample = await pipelined(req, args, commands.stop);
    if (sample !== undefined) emit("result", { throughput: [sample] });
  }
  await settleWithin(Promise.all([req.close(), rep.close()]), CLOSE_MS);
  emit("final", { rssPeak: peakRss() });
  await commands.stop;
}

runRoles("msgts_reqrep", {
  rep: reply,
  router: reply,
  req: request,
  pipeline: pipeline,
  "inproc-req": inproc,
  "inproc-pipeline": inproc,
});
