// Load generation with autocannon's programmatic API, one route at a time.
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
}

/** A few sequential requests first: JIT, the pool's connections and PostgreSQL's caches warm up. */
export async function warmUp(baseUrl: string, route: Route, requests = 10): Promise<void> {
  for (let i = 0; i < requests; i++) {
    const res = await fetch(baseUrl + route.path, { headers: route.headers, redirect: "manual" });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${route.name}: warm-up got ${res.status} from ${route.path}`);
    if (route.expect && !body.includes(route.expect)) {
      throw new Error(`${route.name}: warm-up response lacks "${route.expect}" (${route.path})`);
    }
  }
}

/** Nearest-rank percentile of ascending samples. */
function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function measure(baseUrl: string, route: Route, options: { seconds: number; connections: number }): Promise<RouteResult> {
  // autocannon's summary has p97.5 but no p95: keep every response time and rank them here.
  const times: number[] = [];
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      { url: baseUrl + route.path, connections: options.connections, duration: options.seconds, headers: route.headers, timeout: 10 },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
  const sorted = Float64Array.from(times).sort();
  return {
    name: route.name,
    path: route.path,
    requestsPerSecond: result.requests.average,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    requests: result.requests.total,
    bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : 0,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
  };
}
