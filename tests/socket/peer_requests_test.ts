import assert from "node:assert/strict";
import type { Peer } from "../../src/peer/peer.ts";
import { PeerRequests } from "../../src/socket/_peer_requests.ts";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";

interface Item {
  id: number;
  name: number;
}

const PEER = {} as Peer;

// -- examples --

test("PeerRequests hands out ids from 0 and finds each by its id", () => {
  const table = new PeerRequests<Item>(PEER);
  const items = [0, 1, 2].map((name) => ({ id: -1, name }));
  assert.deepEqual(items.map((item) => table.add(item)), [0, 1, 2]);
  assert.equal(table.take(1), items[1]);
  assert.equal(table.take(1), undefined, "taken once");
  assert.equal(table.size, 2);
});

test("PeerRequests ignores a late id whose slot now holds a newer request", () => {
  const table = new PeerRequests<Item>(PEER);
  for (let name = 0; name < 64; name++) {
    const item = { id: -1, name };
    table.add(item);
    table.remove(item);
  }
  const newer = { id: -1, name: 64 };
  assert.equal(table.add(newer), 64, "lands in slot 64 & 63 = 0");
  assert.equal(table.take(0), undefined, "id 0 settled long ago");
  assert.equal(table.take(64), newer);
});

test("PeerRequests grows past any number in flight and clear() returns them oldest first", () => {
  const table = new PeerRequests<Item>(PEER);
  const items = Array.from({ length: 5000 }, (_, name) => ({ id: -1, name }));
  for (const item of items) table.add(item);
  assert.equal(table.size, 5000);
  assert.equal(table.take(4321), items[4321]);
  const left = table.clear();
  assert.equal(left.length, 4999);
  assert.deepEqual(
    left.map((item) => item.name),
    items.filter((_, i) => i !== 4321).map((item) => item.name),
  );
  assert.equal(table.size, 0);
});

// -- model --

type Step =
  | { op: "add" }
  | { op: "take"; pick: number; stale: boolean }
  | { op: "remove"; pick: number }
  | { op: "clear" };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ op: "add" as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("take" as const),
      pick: fc.nat(),
      stale: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("remove" as const),
      pick: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
);

test("PeerRequests behaves like a map from unique ids to requests, under any steps", () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
      const table = new PeerRequests<Item>(PEER);
      const model = new Map<number, Item>(); // insertion order = age
      const settled: Item[] = [];
      let name = 0;
      for (const s of steps) {
        const live = [...model.values()];
        if (s.op === "add") {
          const item = { id: -1, name: name++ };
          const id = table.add(item);
          assert.equal(item.id, id);
          assert.ok(!model.has(id), `id ${id} given twice`);
          model.set(id, item);
        } else if (s.op === "take") {
          if (s.stale || live.length === 0) {
            const old = settled[s.pick % Math.max(1, settled.length)];
            if (old !== undefined && !model.has(old.id)) {
              assert.equal(table.take(old.id), undefined, "stale id found");
            }
            continue;
          }
          const item = live[s.pick % live.length]!;
          assert.equal(table.take(item.id), item);
          model.delete(item.id);
          settled.push(item);
        } else if (s.op === "remove") {
          if (live.length === 0) continue;
          const item = live[s.pick % live.length]!;
          table.remove(item);
          model.delete(item.id);
          settled.push(item);
        } else {
          assert.deepEqual(table.clear(), [...model.values()]);
          settled.push(...model.values());
          model.clear();
        }
        assert.equal(table.size, model.size);
      }
    }),
    { numRuns: 200 },
  );
});
