// The real server over HTTP: request body limits, request ids, what an error leaves in the log
// and on the page, TRUST_PROXY at start-up.
import http from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runServerToExit, scratchDatabase, startServer } from "../helpers/server";

let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Body bytes written before the server answered. */
  written: number;
}

/**
 * A POST written chunk by chunk until the server answers (or `total` bytes are written), as a
 * client uploading a large body would. The server may close the connection once it has
 * answered; errors from writing after that are expected and ignored.
 */
function rawPost(path: string, options: { headers: Record<string, string>; chunk: Buffer; total: number }): Promise<RawResponse> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    // A connection of its own (one left half-way through a body must not carry the next request),
    // kept alive as a browser's is: the server then discards the rest rather than resetting it.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const req = http.request({ host: url.hostname, port: url.port, path, method: "POST", agent, headers: { Origin: server.url, ...options.headers } });
    req.on("close", () => agent.destroy());
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), written });
        req.destroy();
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && written < options.total) {
        written += options.chunk.length;
        if (!req.write(options.chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      // A body that declares more than was written is left open: the server answers before it ends.
      if (!answered && !options.headers["Content-Length"]) req.end();
    };
    pump();
  });
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const MB = 1024 * 1024;

describe("request bodies have no size limit", () => {
  it("refuses a form POST that declares 400 MB with 413 before reading it", async () => {
    const res = await rawPost("/sign-in", {
      headers: { ...FORM, "Content-Length": String(400 * MB) },
      chunk: Buffer.from("email=a%40example.nhs.uk&password="),
      total: 64 * 1024,
    });
    expect(res.status).toBe(413);
    expect(res.body).toContain("<h1>Your answers are too long to send</h1>");
    expect(res.body).toContain('class="nhsuk-header"');
    expect(res.body).toMatch(/<link rel="stylesheet" href="\/build\/_assets\/nhsuk-frontend[^"]*\.css">/);
  });

  it("refuses a chunked form POST with no length once it passes 1 MB, without reading the rest", async () => {
    const res = await rawPost("/sign-in", {
      headers: { ...FORM, "Transfer-Encoding": "chunked" },
      chunk: Buffer.alloc(64 * 1024, "a"),
      total: 400 * MB,
    });
    expect(res.status).toBe(413);
    expect(res.body).toContain("Together, your answers must be smaller than 1\u00a0MB");
    // Answered long before the 400 MB were sent (the socket buffers hold a few MB at most).
    expect(res.written).toBeLessThan(64 * MB);
  });

  it("still takes an ordinary form", async () => {
    const res = await fetch(`${server.url}/sign-in`, {
      method: "POST",
      body: new URLSearchParams({ email: "nobody@example.nhs.uk", password: "x".repeat(500_000) }),
      headers: { ...FORM, Origin: server.url },
    });
    expect(res.status).toBe(400);
  });

  it("gives the rotation import its own 20 MB: 21 MB declared is refused, 2 MB reaches the route", async () => {
    const tooBig = await rawPost("/imports", {
      headers: { "Content-Type": "multipart/form-data; boundary=x", "Content-Length": String(21 * MB) },
      chunk: Buffer.from("--x\r\n"),
      total: 1024,
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toContain("The file must be smaller than 20\u00a0MB");
    // Not signed in: the route itself answers (sign in first), not the size limit.
    const fits = await rawPost("/imports", {
      headers: { "Content-Type": "multipart/form-data; boundary=x", "Transfer-Encoding": "chunked" },
      chunk: Buffer.alloc(64 * 1024, "a"),
      total: 2 * MB,
    });
    expect(fits.status).toBe(302);
    expect(fits.headers.location).toContain("/sign-in");
  });
});

describe("impossible dates answer 500", () => {
  it("answers a public search to 2026-13-01 with 400 and the message by the field", async () => {
    const res = await fetch(`${server.url}/opportunities?startFrom=2026-02-30&startTo=2026-13-01`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("There is a problem");
    expect(html).toContain("The &quot;starting on or after&quot; date must be a real date, like 2027-03-15");
    expect(html).toContain('href="#startTo"');
    expect(html).toMatch(/<input[^>]*id="startTo"[^>]*value="2026-13-01"/);
  });
});

describe("request ids", () => {
  it("gives every response its own X-Request-Id", async () => {
    const a = await fetch(`${server.url}/`);
    const b = await fetch(`${server.url}/no/such/page`);
    const c = await fetch(`${server.url}/healthz`);
    const ids = [a, b, c].map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
  });
});

describe("error logs carry personal data", () => {
  it("logs a failed query by class, route, request id and SQL state, and shows the id on the 500 page", async () => {
    // A database whose opportunities table is gone: every search fails inside PostgreSQL, with
    // the search words among the query's parameters.
    const database = await scratchDatabase({ seeded: false });
    await database.sql("drop table opportunities cascade");
    const broken = await startServer({ NODE_ENV: "production" }, { database });
    try {
      // A date far from today: each request's log line carries today's date in its time.
      const res = await fetch(`${broken.url}/opportunities?q=Okonkwo-Baptiste&startFrom=2031-03-14`);
      expect(res.status).toBe(500);
      const requestId = res.headers.get("x-request-id")!;
      const html = await res.text();
      expect(html).toContain("Sorry, there is a problem with the service");
      expect(html).toContain(`quote this reference: <strong id="error-reference">${requestId}</strong>`);
      expect(html).not.toContain("Okonkwo");

      // The same failure during a client-side navigation: the browser gets only the reference.
      const data = await fetch(`${broken.url}/opportunities?q=Okonkwo-Baptiste&_data=routes%2Fopportunities._index`);
      expect(data.status).toBe(500);
      const dataId = data.headers.get("x-request-id")!;
      expect(await data.json()).toEqual({ message: `Unexpected Server Error (reference ${dataId})` });

      const log = broken.output();
      expect(log).toContain(`requestId=${requestId} method=GET route=/opportunities error=DrizzleQueryError`);
      expect(log).toContain(`requestId=${dataId} method=GET route=/opportunities error=DrizzleQueryError`);
      expect(log).toMatch(/sqlState=42P01/);
      for (const secret of ["Okonkwo", "2031-03-14", "params", "Failed query", "select "]) expect(log).not.toContain(secret);
    } finally {
      await broken.dispose();
      await database.dispose();
    }
  });

  it("logs a start-up failure by class and code, not its message", async () => {
    const { code, output } = await runServerToExit({ DATABASE_URL: "postgres://invitational:s3cret-pw@127.0.0.1:9/invitational", PORT: "0" });
    expect(code).toBe(1);
    expect(output).toMatch(/Invitational failed to start: error=[\w <]+ code=ECONNREFUSED/);
    expect(output).not.toContain("127.0.0.1:9");
    expect(output).not.toContain("s3cret-pw");
  });
});

describe("TRUST_PROXY at start-up", () => {
  it("TRUST_PROXY is mis-parsed: TRUST_PROXY=true starts the server", async () => {
    const proxied = await startServer({ TRUST_PROXY: "true" });
    try {
      expect((await fetch(`${proxied.url}/healthz`)).status).toBe(200);
    } finally {
      await proxied.dispose();
    }
  });

  it("refuses a TRUST_PROXY it cannot read, saying what it may be", async () => {
    const { code, output } = await runServerToExit({ TRUST_PROXY: "the load balancer", PORT: "0" });
    expect(code).toBe(1);
    expect(output).toContain('Invitational did not start: TRUST_PROXY must be "true", "false", a number of proxies');
  });
});
