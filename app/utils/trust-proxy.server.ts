import proxyaddr from "proxy-addr";

import { SettingError } from "./env.server";

/** What Express accepts for its `trust proxy` setting, read from one environment variable. */
export type TrustProxySetting = boolean | number | string[];

export const TRUST_PROXY_HELP =
  'TRUST_PROXY must be "true", "false", a number of proxies in front of the app (such as 1), or a comma-separated list of proxy addresses and subnets (such as "loopback, 10.0.0.0/8")';

/**
 * TRUST_PROXY read the way Express documents `trust proxy`. Passing the raw string to
 * Express was wrong twice over: "true" is not an address, so start-up crashed, and "1" was
 * read as the address 0.0.0.1, so no real proxy was trusted and every client shared the
 * proxy's address (and its sign-in throttle). Unset or empty trusts no proxy.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxySetting | undefined {
  const value = raw?.trim() ?? "";
  if (value === "") return undefined;
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  if (/^\d+$/.test(value)) return Number(value);
  const list = value.split(",").map((part) => part.trim());
  if (list.some((part) => part === "")) throw new SettingError(`${TRUST_PROXY_HELP}; "${value}" has an empty entry`);
  try {
    // Express compiles the list with proxy-addr too: the same parser refuses what it would refuse.
    proxyaddr.compile(list);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "not understood";
    throw new SettingError(`${TRUST_PROXY_HELP}; "${value}" is not: ${reason}`);
  }
  return list;
}
