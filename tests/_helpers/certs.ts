/**
 * Test certificates made at test time with `openssl`, never committed: a CA,
 * a server certificate for `127.0.0.1` and `localhost`, a client certificate,
 * and a second, unrelated CA. Made once per process in a temporary
 * directory, which is removed as soon as the PEM texts are read.
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM texts of the test PKI. */
export interface TestCerts {
  /** The CA that signed `serverCert` and `clientCert`. */
  ca: string;
  /** Server certificate, SAN IP:127.0.0.1 and DNS:localhost. */
  serverCert: string;
  /** Key of `serverCert`. */
  serverKey: string;
  /** Client certificate (CN=msg-ts-client), for mutual TLS. */
  clientCert: string;
  /** Key of `clientCert`. */
  clientKey: string;
  /** A CA that signed nothing here: trusting it must fail verification. */
  otherCa: string;
}

let made: TestCerts | undefined;

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

/** `openssl req` arguments for a new P-256 key, unencrypted, in `<name>.key`. */
function newKey(name: string): string[] {
  return [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    `${name}.key`,
  ]; // deno-fmt-ignore
}

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    "req",
    "-x509",
    ...newKey(name),
    "-out",
    `${name}.pem`,
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]); // deno-fmt-ignore
}

function makeLeaf(dir: string, name: string, extensions: string): void {
  openssl(dir, [
    "req",
    ...newKey(name),
    "-out",
    `${name}.csr`,
    "-subj",
    `/CN=msg-ts-${name}`,
  ]); // deno-fmt-ignore
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    `${name}.pem`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  ]); // deno-fmt-ignore
}

/**
 * Makes the test PKI on first call and returns the same PEM texts afterwards.
 *
 * @returns The certificates and keys.
 * @throws {Error} When `openssl` is missing or fails.
 */
export function testCerts(): TestCerts {
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), "msg-ts-certs-"));
  try {
    makeCa(dir, "ca");
    makeCa(dir, "other-ca");
    makeLeaf(
      dir,
      "server",
      "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
    );
    makeLeaf(dir, "client", "extendedKeyUsage=clientAuth\n");
    const read = (file: string) => readFileSync(join(dir, file), "utf8");
    made = {
      ca: read("ca.pem"),
      serverCert: read("server.pem"),
      serverKey: read("server.key"),
      clientCert: read("client.pem"),
      clientKey: read("client.key"),
      otherCa: read("other-ca.pem"),
    };
    return made;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
