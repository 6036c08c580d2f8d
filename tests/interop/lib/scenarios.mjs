// deno-lint-ignore-file explicit-module-boundary-types -- plain JavaScript for Node 20, which has no type syntax
// The two kinds of interop scenario, driven through the roles' line
// protocol, and the checks that account for every message:
//   pubSub: one publisher, N subscribers, every message to every subscriber
//           exactly once, in order, intact (same checksum as published);
//   reqRep: one rep, N reqs pipelining requests, every reply matching.
//   refusal: sockets of the wrong type connect to a rep and are refused,
//           with a HandshakeError on their side and a count on the rep's.
// Each returns { problems: string[], detail: string }.

function start(ctx, runtime, role, name, flags, tls) {
  return ctx.start({
    runtime,
    role,
    name,
    flags: tls === undefined ? flags : { ...flags, tls },
  });
}

/** Sends `CLOSE`, ends stdin, and checks each role closes and exits with 0. */
async function closeAll(roles) {
  for (const role of roles) {
    role.send("CLOSE");
    role.end();
  }
  await Promise.all(roles.map((role) => role.waitFor("CLOSED")));
  const codes = await Promise.all(roles.map((role) => role.exited));
  return roles.flatMap((role, i) =>
    codes[i] === 0 ? [] : [`${role.label} exited with ${codes[i]}`]
  );
}

function expectEqual(problems, what, actual, expected) {
  if (actual !== expected) {
    problems.push(`${what} is ${actual}, expected ${expected}`);
  }
}

function checkPublisher(label, published, subscribers) {
  const problems = [];
  const { count, noise, stats } = published;
  expectEqual(problems, `${label} published`, stats.published, count + noise);
  expectEqual(problems, `${label} dropped`, stats.dropped, 0);
  expectEqual(
    problems,
    `${label} delivered`,
    stats.delivered,
    count * subscribers,
  );
  expectEqual(
    problems,
    `${label} subscribers`,
    stats.subscribers.length,
    subscribers,
  );
  return problems;
}

function checkSubscriber(label, result, published) {
  const problems = [];
  const zero = [
    "missing",
    "duplicates",
    "badPayload",
    "badTopic",
    "badSeq",
    "badTimestamp",
  ];
  expectEqual(problems, `${label} received`, result.received, published.count);
  for (const key of zero) {
    expectEqual(problems, `${label} ${key}`, result[key], 0);
  }
  expectEqual(problems, `${label} checksum`, result.sum, published.sum);
  expectEqual(problems, `${label} stats.gaps`, result.stats.gaps, 0);
  expectEqual(problems, `${label} stats.filtered`, result.stats.filtered, 0);
  expectEqual(
    problems,
    `${label} stats.received`,
    result.stats.received,
    published.count,
  );
  if (result.first !== undefined && problems.length > 0) {
    problems.push(`${label} first problem: ${result.first}`);
  }
  return problems;
}

/**
 * A publisher in one runtime, subscribers in others, over one transport.
 * With `stall` (ms), the last subscriber stops reading that long halfway.
 */
export async function pubSub(ctx, { pub, subs, transport, count, stall }) {
  const tls = ctx.tlsFiles(transport);
  const publisher = start(ctx, pub, "pub_role", `pub (${pub})`, {
    bind: ctx.bindEndpoint(transport),
    count,
  }, tls?.server);
  const endpoint = await publisher.waitFor("READY");
  const subscribers = subs.map((runtime, i) =>
    start(ctx, runtime, "sub_role", `sub ${i + 1} (${runtime})`, {
      connect: endpoint,
      count,
      ...(stall !== undefined && i === subs.length - 1 ? { stall } : {}),
    }, tls?.client)
  );
  await Promise.all(subscribers.map((sub) => sub.waitFor("SUBSCRIBED")));
  const began = performance.now();
  publisher.send("GO");
  const [published, ...results] = await Promise.all([
    publisher.waitForJson("PUBLISHED"),
    ...subscribers.map((sub) => sub.waitForJson("RESULT")),
  ]);
  const seconds = (performance.now() - began) / 1000;
  const problems = [
    ...checkPublisher(publisher.label, published, subs.length),
    ...results.flatMap((result, i) =>
      checkSubscriber(subscribers[i].label, result, published)
    ),
    ...await closeAll([publisher, ...subscribers]),
  ];
  const rate = Math.round(count / seconds);
  const waited = Math.round(published.longestWait);
  const stalled = stall === undefined ? "" : `, last sub stalled ${stall} ms`;
  const detail = `${count} msgs to each of ${subs.length} subs${stalled}, ` +
    `${rate} msg/s, longest publish() wait ${waited} ms`;
  return { problems, detail };
}

function checkReq(label, result, count) {
  const problems = [];
  expectEqual(problems, `${label} ok replies`, result.ok, count);
  expectEqual(problems, `${label} mismatches`, result.mismatches, 0);
  expectEqual(problems, `${label} errors`, result.errors, 0);
  expectEqual(problems, `${label} stats.replies`, result.stats.replies, count);
  expectEqual(problems, `${label} stats.timeouts`, result.stats.timeouts, 0);
  expectEqual(problems, `${label} stats.pending`, result.stats.pending, 0);
  if (result.first !== undefined) {
    problems.push(`${label} first problem: ${result.first}`);
  }
  return problems;
}

function checkRep(label, result, salts, count) {
  const problems = [];
  const total = count * salts.length;
  expectEqual(problems, `${label} requests`, result.stats.requests, total);
  expectEqual(problems, `${label} replies`, result.stats.replies, total);
  expectEqual(problems, `${label} unanswered`, result.stats.unanswered, 0);
  expectEqual(problems, `${label} peerLost`, result.stats.peerLost, 0);
  for (const salt of salts) {
    expectEqual(
      problems,
      `${label} requests with salt ${salt}`,
      result.bySalt[salt],
      count,
    );
  }
  return problems;
}

/** A rep in one runtime, reqs in others, over one transport. */
export async function reqRep(ctx, { rep, reqs, transport, count, window }) {
  const tls = ctx.tlsFiles(transport);
  const server = start(ctx, rep, "rep_role", `rep (${rep})`, {
    bind: ctx.bindEndpoint(transport),
  }, tls?.server);
  const endpoint = await server.waitFor("READY");
  const salts = reqs.map((_, i) => 1000 + i);
  const clients = reqs.map((runtime, i) =>
    start(ctx, runtime, "req_role", `req ${i + 1} (${runtime})`, {
      connect: endpoint,
      count,
      salt: salts[i],
      window,
    }, tls?.client)
  );
  await Promise.all(clients.map((client) => client.waitFor("CONNECTED")));
  const began = performance.now();
  for (const client of clients) client.send("GO");
  const results = await Promise.all(
    clients.map((client) => client.waitForJson("RESULT")),
  );
  const seconds = (performance.now() - began) / 1000;
  server.send("CLOSE");
  const served = await server.waitForJson("RESULT");
  const problems = [
    ...results.flatMap((result, i) =>
      checkReq(clients[i].label, result, count)
    ),
    ...checkRep(server.label, served, salts, count),
    ...await closeAll([server, ...clients]),
  ];
  const rate = Math.round((count * reqs.length) / seconds);
  const detail =
    `${count} requests from each of ${reqs.length} reqs, window ${window}, ${rate} req/s`;
  return { problems, detail };
}

/** Sockets of the wrong types, in other runtimes, connect to a rep. */
export async function refusal(ctx, { rep, wrong, transport }) {
  const server = start(ctx, rep, "rep_role", `rep (${rep})`, {
    bind: ctx.bindEndpoint(transport),
  });
  const endpoint = await server.waitFor("READY");
  const clients = wrong.map(([runtime, type]) =>
    start(ctx, runtime, "connect_role", `${type} (${runtime})`, {
      type,
      connect: endpoint,
    })
  );
  const outcomes = await Promise.all(
    clients.map((client) => client.waitFor("OUTCOME")),
  );
  const refusedCount = outcomes.filter((o) => o.startsWith("refused")).length;
  const refusals = await Promise.all(
    Array.from(
      { length: refusedCount },
      (_, i) => server.waitFor("REFUSED", i + 1),
    ),
  );
  server.send("CLOSE");
  const served = await server.waitForJson("RESULT");
  const problems = [];
  wrong.forEach(([, type], i) => {
    const reason = `HandshakeError: Cannot connect ${type} to rep: ` +
      "incompatible socket types";
    expectEqual(
      problems,
      `${clients[i].label} connect`,
      outcomes[i],
      `refused ${reason}`,
    );
    if (!refusals.includes(reason)) {
      problems.push(
        `${server.label} did not report "${reason}": ${refusals.join(", ")}`,
      );
    }
  });
  const { refused, requests, peers } = served.stats;
  expectEqual(problems, `${server.label} refused`, refused, wrong.length);
  expectEqual(problems, `${server.label} requests`, requests, 0);
  expectEqual(problems, `${server.label} peers`, peers, 0);
  problems.push(...await closeAll([server, ...clients]));
  const detail = `${wrong.length} refused with HandshakeError`;
  return { problems, detail };
}
