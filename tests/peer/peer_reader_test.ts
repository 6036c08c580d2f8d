import assert from "node:assert/strict";
import { encodedFrameSize, encodeFrame } from "../../src/frame/encode_frame.ts";
import { type Frame, FrameKind } from "../../src/frame/frame.ts";
import { PeerReader } from "../../src/peer/_peer_reader.ts";
import type { WireReader } from "../../src/transport/_wire_ends.ts";
import { test, within } from "../_helpers/test.ts";

function encoded(frame: Frame): Uint8Array {
  const bytes = new Uint8Array(encodedFrameSize(frame));
  encodeFrame(frame, bytes, 0);
  return bytes;
}

const REQUEST: Frame = {
  kind: FrameKind.Request,
  flags: 0,
  id: 7,
  topic: "",
  timestamp: 0,
  payload: Uint8Array.of(1, 2),
};

test("PeerReader lets delivered frames be answered before it asks for more bytes", async () => {
  const log: string[] = [];
  const chunks = [encoded(REQUEST)];
  let ended!: () => void;
  const done = new Promise<void>((resolve) => ended = resolve);
  const wire: WireReader = {
    read: () => {
      log.push("read");
      const chunk = chunks.shift();
      return Promise.resolve(
        chunk === undefined ? { done: true } : { done: false, value: chunk },
      );
    },
    cancel: () => Promise.resolve(),
  };
  const reader = new PeerReader(wire, new Uint8Array(0), 1024, {
    onBytes: () => {},
    onFrames: (frames) => {
      log.push(`frames ${frames.length}`);
      // A reply made one microtask later, as an awaiting caller would.
      queueMicrotask(() => log.push("reply queued"));
    },
    beforeRead: () => log.push("flush"),
    onPings: () => {},
    onClose: () => {},
    onEnd: () => ended(),
    onError: (error) => assert.fail(String(error)),
  });
  reader.read();
  await within(done, 1000, "end of stream");
  assert.deepEqual(log, ["read", "frames 1", "reply queued", "flush", "read"]);
});
