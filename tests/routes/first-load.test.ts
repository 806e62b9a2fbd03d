// What a first visit costs and where it goes: compressed responses, the JavaScript a page
// loads before it is interactive, and no request to any host but this one.
import http from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { startServer } from "../helpers/server";

/** The first load's JavaScript, gzipped, as sent: the budget the pages are held to. */
export const FIRST_LOAD_JS_BUDGET = 100 * 1024;

let server: Awaited<ReturnType<typeof startServer>>;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  server = await startServer();
  for (const who of ["trainee", "lead"]) {
    const res = await fetch(`${server.url}/sign-in`, {
      method: "POST",
      body: new URLSearchParams({ email: `${who}@demo.test`, password: DEMO_PASSWORD }),
      headers: { Origin: server.url },
      redirect: "manual",
    });
    cookies[who] = res.headers.get("set-cookie")!.split(";")[0]!;
  }
});

afterAll(async () => {
  await server?.dispose();
});

/** The raw response: bytes as they came over the wire, not decompressed. */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

async function page(path: string, cookie?: string): Promise<string> {
  const res = await fetch(`${server.url}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
  expect(res.status).toBe(200);
  return res.text();
}

/** Every script the page loads before it runs: modulepreloads, script src and the entry's imports. */
function firstLoadScripts(html: string): string[] {
  const urls = new Set<string>();
  for (const m of html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)) urls.add(m[1]!);
  for (const m of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) urls.add(m[1]!);
  for (const m of html.matchAll(/<script[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)) {
    for (const i of m[1]!.matchAll(/import\s*(?:\(|[^"'()]*from\s*)?\s*["']([^"']+)["']/g)) urls.add(i[1]!);
  }
  return [...urls];
}

async function gzippedBytes(urls: string[]): Promise<number> {
  let total = 0;
  for (const url of urls) {
    // Bytes on the wire: the server leaves files under 512 bytes as they are.
    const res = await rawGet(url, { "Accept-Encoding": "gzip" });
    expect(res.status, url).toBe(200);
    if (res.bytes.length > 512) expect(res.headers["content-encoding"], url).toBe("gzip");
    total += res.bytes.length;
  }
  return total;
}

describe("compression", () => {
  it("the server sends no compression: pages, CSS and JS come gzipped or in brotli when asked", async () => {
    const html = await page("/");
    const css = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
    const js = firstLoadScripts(html).filter((url) => url.includes("/_shared/"));
    for (const path of ["/", css[0]!, js[0]!]) {
      const gzip = await rawGet(path, { "Accept-Encoding": "gzip" });
      expect(gzip.headers["content-encoding"], path).toBe("gzip");
      const brotli = await rawGet(path, { "Accept-Encoding": "br, gzip" });
      expect(brotli.headers["content-encoding"], path).toBe("br");
      const plain = await rawGet(path);
      expect(plain.headers["content-encoding"], path).toBeUndefined();
      expect(gzip.bytes.length, path).toBeLessThan(plain.bytes.length / 2);
    }
  });
});

describe("the first load's JavaScript", () => {
  it.each([
    ["the landing page", "/", undefined],
    ["the sign-in page", "/sign-in", undefined],
    ["the search", "/opportunities", undefined],
    ["a signed-in trainee's home", "/trainee", "trainee"],
    ["a trust lead's home", "/trust", "lead"],
  ])("stays within 100 KB gzipped on %s", async (_name, path, who) => {
    const scripts = firstLoadScripts(await page(path, who ? cookies[who] : undefined));
    expect(scripts.length).toBeGreaterThan(0);
    const bytes = await gzippedBytes(scripts);
    expect(bytes, `${path}: ${scripts.length} scripts, ${bytes} bytes gzipped`).toBeLessThanOrEqual(FIRST_LOAD_JS_BUDGET);
  });

  it("fetches no script that only holds the empty stand-in for a .server module", async () => {
    // Remix's browser build puts an empty module where a route imports a .server one; the
    // patched compiler (patches/@remix-run+dev+2.17.5.patch) drops it when nothing of it is
    // used, which was eight chunks of nothing, a kilobyte, on a trainee's home.
    for (const [path, who] of [["/opportunities", undefined], ["/trainee", "trainee"], ["/trust", "lead"]] as const) {
      for (const url of firstLoadScripts(await page(path, who ? cookies[who] : undefined))) {
        const code = await (await fetch(`${server.url}${url}`)).text();
        expect(code, `${path} loads ${url}`).not.toMatch(/=>\{\w+\.exports=\{\}\}\)/);
      }
    }
  });
});

describe("third-party hosts", () => {
  it("no page waits on a third-party host: pages, their stylesheets and the CSP name no other host", async () => {
    for (const [path, who] of [["/", undefined], ["/sign-in", undefined], ["/opportunities", undefined], ["/trainee", "trainee"]] as const) {
      const res = await fetch(`${server.url}${path}`, { headers: who ? { Cookie: cookies[who]! } : {} });
      const csp = res.headers.get("content-security-policy")!;
      expect(csp, path).not.toMatch(/https?:\/\//);
      const html = await res.text();
      // Every address the browser would fetch (the SVG's xmlns is a name, not a request).
      const fetched = [...html.matchAll(/\s(?:src|href|srcset|action)="([^"]+)"/g)].map((m) => m[1]!);
      for (const url of fetched) expect(url, path).not.toMatch(/^(?:[a-z]+:)?\/\//i);
      for (const m of html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) {
        const css = await (await fetch(`${server.url}${m[1]!}`)).text();
        expect(css, m[1]).not.toMatch(/url\(\s*["']?(?:[a-z]+:)?\/\//i);
        expect(css, m[1]).not.toContain("@import");
        expect(css, m[1]).not.toContain("assets.nhs.uk");
      }
    }
  });
});
