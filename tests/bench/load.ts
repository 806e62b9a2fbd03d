// Load generation with autocannon's programmatic API, one route at a time, against one app
// process or several at once (the connections shared out between them).
import autocannon, { type Result } from "autocannon";

export interface Route {
  name: string;
  path: string;
  headers?: Record<string, string>;
  /** Text the warm-up response must contain, proving the route did what we think (e.g. signed in). */
  expect?: string;
}

export interface RouteResult {
  name: string;
  path: string;
  /** How many app processes served the load. */
  processes: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  /** Mean response size, headers and body. */
  bytesPerResponse: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** Every 2xx response's time in ms, ascending (for merging rounds); left out of the results file. */
  times: Float64Array;
  seconds: number;
}

/** A few sequential requests that check the answer, then a short untimed burst: JIT, the pool's connections and PostgreSQL's caches warm up. */
export async function warmUp(baseUrl: string, route: Route, options: { requests?: number; burstSeconds?: number; connections?: number } = {}): Promise<void> {
  for (let i = 0; i < (options.requests ?? 10); i++) {
    const res = await fetch(baseUrl + route.path, { headers: route.headers, redirect: "manual" });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${route.name}: warm-up got ${res.status} from ${route.path}`);
    if (route.expect && !body.includes(route.expect)) {
      throw new Error(`${route.name}: warm-up response lacks "${route.expect}" (${route.path})`);
    }
  }
  if (options.burstSeconds) await run(baseUrl, route, { seconds: options.burstSeconds, connections: options.connections ?? 4 }, () => {});
}

/** Nearest-rank percentile of ascending samples. */
function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function run(baseUrl: string, route: Route, options: { seconds: number; connections: number }, onTime: (ms: number) => void): Promise<Result> {
  return new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      { url: baseUrl + route.path, connections: options.connections, duration: options.seconds, headers: route.headers, timeout: 10 },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) onTime(responseTime);
    });
  });
}

/**
 * Loads the route on every base URL at once for the same seconds, `connections` in all shared
 * out between them (20 connections on two processes: 10 each), and merges the results: the
 * requests per second add up, the percentiles are of every response together.
 */
export async function measure(baseUrls: string[], route: Route, options: { seconds: number; connections: number }): Promise<RouteResult> {
  if (!baseUrls.length) throw new Error("measure needs at least one server");
  // autocannon's summary has p97.5 but no p95: keep every response time and rank them here.
  const times: number[] = [];
  const share = (i: number) => Math.floor(options.connections / baseUrls.length) + (i < options.connections % baseUrls.length ? 1 : 0);
  const results = await Promise.all(
    baseUrls.map((url, i) => run(url, route, { seconds: options.seconds, connections: Math.max(1, share(i)) }, (t) => void times.push(t))),
  );
  const sorted = Float64Array.from(times).sort();
  const requests = results.reduce((sum, r) => sum + r.requests.total, 0);
  const statusCodes: Record<string, number> = {};
  for (const r of results) for (const [code, s] of Object.entries(r.statusCodeStats)) statusCodes[code] = (statusCodes[code] ?? 0) + s.count;
  return {
    name: route.name,
    path: route.path,
    processes: baseUrls.length,
    requestsPerSecond: results.reduce((sum, r) => sum + r.requests.average, 0),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    requests,
    bytesPerResponse: requests ? results.reduce((sum, r) => sum + r.throughput.total, 0) / requests : 0,
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    statusCodes,
    times: sorted,
    seconds: options.seconds,
  };
}

/** Rounds of the same route and process count as one result: requests and responses added up, percentiles of every response. */
export function mergeRounds(rounds: RouteResult[]): RouteResult {
  const first = rounds[0];
  if (!first) throw new Error("no rounds to merge");
  const times = Float64Array.from(rounds.flatMap((r) => [...r.times])).sort();
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const statusCodes: Record<string, number> = {};
  for (const r of rounds) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    name: first.name,
    path: first.path,
    processes: first.processes,
    requestsPerSecond: requests / seconds,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    requests,
    bytesPerResponse: requests ? rounds.reduce((sum, r) => sum + r.bytesPerResponse * r.requests, 0) / requests : 0,
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    statusCodes,
    times,
    seconds,
  };
}
