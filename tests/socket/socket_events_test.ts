import assert from "node:assert/strict";
import { SocketEventTarget } from "../../src/socket/socket_events.ts";
import { test } from "../_helpers/test.ts";

/** Exposes the protected check for the test. */
class Probe extends SocketEventTarget {
  listens(type: "drop" | "connect"): boolean {
    return this.listening(type);
  }
}

test("SocketEventTarget keeps listening after removing a listener it never had", () => {
  const target = new Probe();
  const heard = () => {};
  target.addEventListener("drop", heard);
  target.removeEventListener("drop", () => {});
  target.removeEventListener("drop", heard, { capture: true });
  assert.equal(target.listens("drop"), true);
  target.removeEventListener("drop", heard);
  assert.equal(target.listens("drop"), false);
});

test("SocketEventTarget counts a listener added twice once, per capture flag", () => {
  const target = new Probe();
  const heard = () => {};
  target.addEventListener("connect", heard);
  target.addEventListener("connect", heard);
  target.addEventListener("connect", heard, true);
  target.removeEventListener("connect", heard);
  assert.equal(target.listens("connect"), true, "the capturing one is left");
  target.removeEventListener("connect", heard, { capture: true });
  assert.equal(target.listens("connect"), false);
});

test("SocketEventTarget forgets a once listener after it fires, and one whose signal aborts", () => {
  const target = new Probe();
  target.addEventListener("drop", () => {}, { once: true });
  assert.equal(target.listens("drop"), true);
  target.dispatchEvent(new CustomEvent("drop"));
  assert.equal(target.listens("drop"), false);
  const controller = new AbortController();
  target.addEventListener("drop", () => {}, { signal: controller.signal });
  assert.equal(target.listens("drop"), true);
  controller.abort();
  assert.equal(target.listens("drop"), false);
  target.addEventListener("drop", () => {}, { signal: controller.signal });
  assert.equal(target.listens("drop"), false, "an aborted signal adds nothing");
});
