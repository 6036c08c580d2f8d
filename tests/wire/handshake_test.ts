import assert from "node:assert/strict";
import { test, within } from "../_helpers/test.ts";
import { connectionPair } from "../../src/transport/inproc_transport.ts";
import { HandshakeError, type HandshakeFailure } from "../../src/errors.ts";
import { handshake, type HandshakeOptions } from "../../src/wire/handshake.ts";
import {
  encodeGreeting,
  encodeReady,
  encodeReject,
} from "../../src/wire/_handshake_codec.ts";
import {
  canTalk,
  SocketType,
  socketTypeName,
} from "../../src/wire/socket_type.ts";
import { hex, RawPeer } from "./_raw_peer.ts";

type Options = Partial<HandshakeOptions>;

function shake(dialler: Options, acceptor: Options) {
  const [a, b] = connectionPair();
  const results = Promise.allSettled([
    handshake(a, { socketType: SocketType.Req, role: "connect", ...dialler }),
    handshake(b, { socketType: SocketType.Rep, role: "accept", ...acceptor }),
  ]);
  return { a, b, results: within(results, 10_000, "both handshakes") };
}

function failure(
  result: PromiseSettledResult<unknown> | undefined,
): HandshakeError {
  assert.equal(result?.status, "rejected", "the handshake should fail");
  const error = (result as PromiseRejectedResult).reason;
  assert.ok(error instanceof HandshakeError, String(error));
  return error;
}

function assertFailure(
  result: PromiseSettledResult<unknown> | undefined,
  reason: HandshakeFailure,
  message?: RegExp | string,
): HandshakeError {
  const error = failure(result);
  assert.equal(error.reason, reason, error.message);
  if (typeof message === "string") assert.equal(error.message, message);
  else if (message !== undefined) assert.match(error.message, message);
  return error;
}

/** Runs `handshake()` against a hand-driven peer. */
function againstRaw(options: Options = {}) {
  const [a, b] = connectionPair();
  const raw = new RawPeer(b);
  const result = handshake(a, {
    socketType: SocketType.Rep,
    role: "accept",
    ...options,
  });
  const settled = within(
    result.then(
      (value) => ({ status: "fulfilled", value }) as const,
      (reason) => ({ status: "rejected", reason }) as const,
    ),
    10_000,
    "the handshake",
  );
  return { a, raw, settled };
}

const REQ_GREETING = encodeGreeting(SocketType.Req, {});

/** Plays a peer that hangs up once it has our greeting and a REJECT header. */
async function hangUpOnReject(raw: RawPeer): Promise<void> {
  await raw.received(REQ_GREETING.length + 4);
  await raw.close();
}

// -- golden vectors --

test("handshake bytes match PROTOCOL.md", () => {
  assert.deepEqual(REQ_GREETING, hex("4d 53 47 54 01 01 00 00 00 01 80"));
  assert.deepEqual(
    encodeGreeting(SocketType.Sub, { name: "a" }),
    hex("4d 53 47 54 01 04 00 00 00 08 81 a4 6e 61 6d 65 a1 61"),
  );
  assert.deepEqual(encodeReady(), hex("00"));
  const reject = encodeReject(
    "socket-type",
    "Cannot connect sub to rep: incompatible socket types",
  );
  assert.deepEqual(reject.subarray(0, 4), hex("01 03 00 34"));
  assert.equal(reject.length, 4 + 52);
});

test("encodeReject() cuts long messages at 1024 bytes between characters", () => {
  const reject = encodeReject("auth", "é".repeat(600));
  assert.equal(reject.length, 4 + 1024);
  assert.deepEqual(reject.subarray(0, 4), hex("01 04 04 00"));
});

// -- success --

test("handshake() trades types and properties and hands over the streams", async () => {
  const { a, b, results } = shake({ properties: { name: "client", n: 1 } }, {
    properties: { name: "server" },
  });
  const [dialler, acceptor] = await results;
  assert.equal(dialler.status, "fulfilled");
  assert.equal(acceptor.status, "fulfilled");
  assert.equal(dialler.value.peerType, SocketType.Rep);
  assert.deepEqual(dialler.value.peerProperties, { name: "server" });
  assert.equal(acceptor.value.peerType, SocketType.Req);
  assert.deepEqual(acceptor.value.peerProperties, { name: "client", n: 1 });
  assert.equal(dialler.value.rest.length, 0);
  await dialler.value.writer.write(Uint8Array.of(42));
  assert.deepEqual(
    (await acceptor.value.reader.read()).value,
    Uint8Array.of(42),
  );
  await a.close();
  await b.close();
});

test("handshake() connects every compatible pair and refuses every other on both sides", async () => {
  const types = Object.values(SocketType);
  for (const dialler of types) {
    for (const acceptor of types) {
      const { results } = shake({ socketType: dialler }, {
        socketType: acceptor,
      });
      const settled = await results;
      if (canTalk(dialler, acceptor)) {
        for (const result of settled) {
          assert.equal(result.status, "fulfilled");
          await result.value.writer.close();
        }
        continue;
      }
      const message = `Cannot connect ${socketTypeName(dialler)} to ${
        socketTypeName(acceptor)
      }: incompatible socket types`;
      for (const result of settled) {
        assertFailure(result, "socket-type", message);
      }
    }
  }
});

test("handshake() gives a sub dialling a rep the same error on both sides", async () => {
  const { results } = shake({ socketType: SocketType.Sub }, {});
  const message = "Cannot connect sub to rep: incompatible socket types";
  for (const result of await results) {
    assertFailure(result, "socket-type", message);
  }
});

// -- authentication --

test("handshake() lets a peer in when authenticate returns true", async () => {
  const seen: unknown[] = [];
  const { a, b, results } = shake({ properties: { token: "s3cret" } }, {
    authenticate: (properties) => {
      seen.push(properties);
      return Promise.resolve(properties.token === "s3cret");
    },
  });
  const settled = await results;
  assert.deepEqual(settled.map((r) => r.status), ["fulfilled", "fulfilled"]);
  assert.deepEqual(seen, [{ token: "s3cret" }]);
  await a.close();
  await b.close();
});

test("handshake() refuses on both sides when authenticate returns false", async () => {
  const { results } = shake({}, { authenticate: () => false });
  const message = "Cannot authenticate: refused by the accepting side";
  for (const result of await results) assertFailure(result, "auth", message);
});

test("handshake() sends authenticate's string reason to the peer", async () => {
  const { results } = shake({}, { authenticate: () => "token expired" });
  for (const result of await results) {
    assertFailure(
      result,
      "auth",
      /refused by the accepting side: token expired$/,
    );
  }
});

test("handshake() refuses when authenticate throws, keeping the error as cause", async () => {
  const boom = new Error("database down");
  const { results } = shake({}, {
    authenticate: () => {
      throw boom;
    },
  });
  const [dialler, acceptor] = await results;
  const local = assertFailure(acceptor, "auth");
  assert.equal(local.cause, boom);
  assert.doesNotMatch(assertFailure(dialler, "auth").message, /database/);
});

test("handshake() runs authenticate on the accepting side only", async () => {
  let calls = 0;
  const hook = () => {
    calls++;
    return true;
  };
  const { a, b, results } = shake({ authenticate: hook }, {});
  const settled = await results;
  assert.deepEqual(settled.map((r) => r.status), ["fulfilled", "fulfilled"]);
  assert.equal(calls, 0);
  await a.close();
  await b.close();
});

// -- bad peers --

test("handshake() rejects bad magic, tells the peer why, and lingers at most 1 s", async () => {
  const { raw, settled } = againstRaw();
  await raw.write(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
  const started = performance.now();
  assertFailure(await settled, "magic", /bad magic/);
  assert.ok(performance.now() - started < 4000);
  const received = await raw.ended;
  assert.deepEqual(received.subarray(0, 6), hex("4d 53 47 54 01 02"));
  const status = received.subarray(REQ_GREETING.length);
  assert.deepEqual(status.subarray(0, 2), hex("01 01"));
  await raw.close();
});

test("handshake() rejects bad magic as soon as the first wrong byte arrives", async () => {
  const { raw, settled } = againstRaw({ timeout: 60_000 });
  await raw.write(hex("4d 53"));
  await raw.write(hex("00"));
  await hangUpOnReject(raw);
  assertFailure(await settled, "magic");
});

test("handshake() rejects another protocol version", async () => {
  const { raw, settled } = againstRaw();
  await raw.write(hex("4d 53 47 54 02 01 00 00 00 01 80"));
  await hangUpOnReject(raw);
  assertFailure(await settled, "version", /version 2 is not supported, only 1/);
});

test("handshake() rejects an unknown socket type", async () => {
  const { raw, settled } = againstRaw();
  await raw.write(hex("4d 53 47 54 01 63 00 00 00 01 80"));
  await hangUpOnReject(raw);
  assertFailure(await settled, "malformed", /unknown socket type 99/);
});

test("handshake() rejects oversized properties before they arrive", async () => {
  const { raw, settled } = againstRaw({
    maxPropertiesSize: 16,
    timeout: 60_000,
  });
  await raw.write(hex("4d 53 47 54 01 01 00 00 00 11"));
  await hangUpOnReject(raw);
  assertFailure(await settled, "malformed", /17 bytes exceed 16/);
});

test("handshake() rejects properties that are not exactly one MessagePack map", async () => {
  for (
    const properties of [
      "00 00 00 01 01",
      "00 00 00 02 80 80",
      "00 00 00 01 c1",
      "00 00 00 01 90",
    ]
  ) {
    const { raw, settled } = againstRaw();
    await raw.write(hex(`4d 53 47 54 01 01 ${properties}`));
    await hangUpOnReject(raw);
    assertFailure(await settled, "malformed", /not one MessagePack map/);
  }
});

test("handshake() rejects an unknown status byte", async () => {
  const { raw, settled } = againstRaw();
  await raw.write(REQ_GREETING);
  await raw.write(hex("07"));
  assertFailure(await settled, "malformed", /unknown status 0x7/);
  await raw.close();
});

test("handshake() reports a peer's REJECT with an unknown reason as malformed", async () => {
  const { raw, settled } = againstRaw();
  await raw.write(REQ_GREETING);
  await raw.write(hex("01 63 00 02 68 69"));
  assertFailure(await settled, "malformed", "hi");
  await raw.close();
});

test("handshake() times out on a peer that never finishes", async () => {
  const { raw, settled } = againstRaw({ timeout: 100 });
  await raw.write(REQ_GREETING.subarray(0, 7));
  const error = assertFailure(
    await settled,
    "timeout",
    /no answer within 100 ms/,
  );
  assert.match(error.message, /^Cannot handshake with inproc:\/\/pair-\d+/);
  await raw.close();
});

test("handshake() times out on a peer whose authenticate hook hangs", async () => {
  const { results } = shake({ timeout: 150 }, {
    timeout: 150,
    authenticate: () => new Promise<boolean>(() => {}),
  });
  const [dialler, acceptor] = await results;
  assertFailure(dialler, "timeout");
  assertFailure(acceptor, "timeout");
});

test("handshake() fails as closed when the peer hangs up half-way", async () => {
  const { raw, settled } = againstRaw({ timeout: 60_000 });
  await raw.write(REQ_GREETING.subarray(0, 3));
  await raw.close();
  assertFailure(await settled, "closed", /connection closed after 3 bytes/);
});

test("handshake() fails as closed when the peer hangs up before its status", async () => {
  const { raw, settled } = againstRaw({ timeout: 60_000 });
  await raw.write(REQ_GREETING);
  assert.equal((await raw.received(REQ_GREETING.length + 1)).length, 12);
  await raw.close();
  assertFailure(await settled, "closed");
});

test("handshake() keeps the bytes that follow the peer's status", async () => {
  const { a, raw, settled } = againstRaw();
  const frames = hex("00 00 00 03 0a 00 78 00 00 00 02 0a");
  const chunk = new Uint8Array(REQ_GREETING.length + 1 + frames.length);
  chunk.set(REQ_GREETING);
  chunk.set(encodeReady(), REQ_GREETING.length);
  chunk.set(frames, REQ_GREETING.length + 1);
  await raw.write(chunk);
  const result = await settled;
  assert.equal(result.status, "fulfilled");
  assert.deepEqual(result.value.rest, frames);
  await a.close();
});

test("handshake() completes when the peer's bytes come one at a time", async () => {
  const { a, raw, settled } = againstRaw({ timeout: 60_000 });
  const greeting = encodeGreeting(SocketType.Req, { token: "t", list: [1, 2] });
  for (const byte of [...greeting, ...encodeReady()]) {
    await raw.write(Uint8Array.of(byte));
  }
  const result = await settled;
  assert.equal(result.status, "fulfilled");
  assert.deepEqual(result.value.peerProperties, { token: "t", list: [1, 2] });
  assert.equal(result.value.rest.length, 0);
  await a.close();
});

test("handshake() refuses a peer whose bytes come one at a time", async () => {
  const { raw, settled } = againstRaw({ timeout: 60_000 });
  for (const byte of encodeGreeting(SocketType.Pub, {})) {
    await raw.write(Uint8Array.of(byte));
  }
  await hangUpOnReject(raw);
  assertFailure(
    await settled,
    "socket-type",
    "Cannot connect pub to rep: incompatible socket types",
  );
});

test("handshake() accepts properties of exactly maxPropertiesSize bytes", async () => {
  const properties = { pad: "x".repeat(100) };
  const size = encodeGreeting(SocketType.Req, properties).length -
    REQ_GREETING.length + 1;
  const fits = shake({ properties }, { maxPropertiesSize: size });
  const settled = await fits.results;
  assert.deepEqual(settled.map((r) => r.status), ["fulfilled", "fulfilled"]);
  await fits.a.close();
  await fits.b.close();
  const tooBig = shake({ properties }, { maxPropertiesSize: size - 1 });
  for (const result of await tooBig.results) {
    assertFailure(result, "malformed", /exceed/);
  }
});

test("handshake() rejects with the signal's reason when aborted", async () => {
  const controller = new AbortController();
  const { raw, settled } = againstRaw({
    signal: controller.signal,
    timeout: 60_000,
  });
  const reason = new Error("stop");
  controller.abort(reason);
  const result = await settled;
  assert.equal(result.status, "rejected");
  assert.equal(result.reason, reason);
  await raw.ended;
});

test("handshake() rejects at once with an already aborted signal", async () => {
  const { raw, settled } = againstRaw({ signal: AbortSignal.abort() });
  const result = await settled;
  assert.equal(result.status, "rejected");
  assert.equal((result.reason as Error).name, "AbortError");
  await raw.ended;
});

test("handshake() throws RangeError for bad options and closes the connection", async () => {
  for (
    const options of [{ timeout: -1 }, { maxPropertiesSize: 0 }, {
      socketType: 0 as SocketType,
    }, {
      properties: { big: "x".repeat(70_000) },
    }]
  ) {
    const [a, b] = connectionPair();
    await assert.rejects(
      handshake(a, { socketType: SocketType.Req, role: "connect", ...options }),
      RangeError,
    );
    await within(b.closed, 5000, "the connection to close");
  }
});

test("handshake() failing on one connection leaves another one alone", async () => {
  const good = shake({}, {});
  const bad = againstRaw();
  await bad.raw.write(hex("ff ff ff ff ff ff"));
  await hangUpOnReject(bad.raw);
  assertFailure(await bad.settled, "magic");
  const settled = await good.results;
  assert.deepEqual(settled.map((r) => r.status), ["fulfilled", "fulfilled"]);
  await good.a.close();
  await good.b.close();
});
