// TRUST_PROXY read as Express documents `trust proxy`: a boolean, a hop count or a list of
// addresses and subnets, and anything else refused at start-up.
import type { AddressInfo } from "node:net";

import express from "express";
import { describe, expect, it } from "vitest";

import { SettingError } from "~/utils/env.server";
import { parseTrustProxy } from "~/utils/trust-proxy.server";

/** The client address Express reports for one request through a proxy that adds X-Forwarded-For. */
async function clientIpWith(setting: ReturnType<typeof parseTrustProxy>): Promise<string | undefined> {
  const app = express();
  if (setting !== undefined) app.set("trust proxy", setting);
  app.get("/", (req, res) => {
    res.send(req.ip);
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { "X-Forwarded-For": "203.0.113.7" } });
    return await res.text();
  } finally {
    server.close();
  }
}

describe("TRUST_PROXY", () => {
  it.each([
    [undefined, undefined],
    ["", undefined],
    ["true", true],
    ["TRUE", true],
    ["false", false],
    ["1", 1],
    [" 2 ", 2],
    ["loopback", ["loopback"]],
    ["loopback, 10.0.0.0/8", ["loopback", "10.0.0.0/8"]],
    ["127.0.0.1,::1,uniquelocal", ["127.0.0.1", "::1", "uniquelocal"]],
  ])("TRUST_PROXY is mis-parsed: %j is read as %j", (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each(["yes", "1.5", "-1", "loopback,,10.0.0.0/8", "10.0.0.0/99", "proxy.example"])("refuses %j with a message saying what it may be", (raw) => {
    expect(() => parseTrustProxy(raw)).toThrow(SettingError);
    expect(() => parseTrustProxy(raw)).toThrow(/TRUST_PROXY must be "true", "false", a number of proxies/);
  });

  it("TRUST_PROXY is mis-parsed: with 1 the client's address is the one the proxy forwards, not the proxy's", async () => {
    // The old code passed the string "1" to Express, which read it as the address 0.0.0.1.
    expect(await clientIpWith("1" as unknown as number)).toBe("127.0.0.1");
    expect(await clientIpWith(parseTrustProxy("1"))).toBe("203.0.113.7");
    expect(await clientIpWith(parseTrustProxy("loopback"))).toBe("203.0.113.7");
    expect(await clientIpWith(parseTrustProxy("10.0.0.0/8"))).toBe("127.0.0.1");
    expect(await clientIpWith(parseTrustProxy(undefined))).toBe("127.0.0.1");
  });
});
