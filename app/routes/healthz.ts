import { json } from "@remix-run/node";

import { getDb, pingDatabase } from "~/db.server";
import { RETRY_AFTER_SECONDS } from "~/utils/unavailable.server";

const TIMEOUT_MS = 2_000;

export async function loader() {
  try {
    const db = await getDb();
    await Promise.race([
      pingDatabase(db),
      new Promise((_, reject) => setTimeout(() => reject(new Error("database timeout")), TIMEOUT_MS).unref()),
    ]);
    return json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    // A load balancer takes this process out of rotation; Retry-After says when to look again.
    return json({ status: "unavailable" }, { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": String(RETRY_AFTER_SECONDS) } });
  }
}
