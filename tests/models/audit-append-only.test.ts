// The audit trail is append-only in the database itself: the app's role may only insert and
// read it, and a trigger refuses changes from anyone else.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { auditEvents } from "@db/schema";

import { useTestDatabase } from "../helpers/db";

const t = useTestDatabase();

async function insertOne() {
  const [row] = await t.db
    .insert(auditEvents)
    .values({ action: "application.viewed", targetType: "application", targetId: "x", actorRole: "dme" })
    .returning({ id: auditEvents.id });
  return row!.id;
}

describe("the audit trail cannot be changed or removed", () => {
  it("refuses UPDATE, DELETE and TRUNCATE by its trigger, and keeps the row", async () => {
    const id = await insertOne();
    await expect(t.db.execute(sql`update audit_events set action = 'x' where id = ${id}`)).rejects.toThrow();
    await expect(t.db.execute(sql`delete from audit_events where id = ${id}`)).rejects.toThrow();
    await expect(t.db.execute(sql`truncate audit_events`)).rejects.toThrow();
    const rows = await t.db.select({ action: auditEvents.action }).from(auditEvents);
    expect(rows).toEqual([{ action: "application.viewed" }]);
  });

  it("gives the app's database role SELECT and INSERT on it, and no UPDATE, DELETE or TRUNCATE", async () => {
    const privileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"] as const;
    const rows = (await t.db.execute(sql`
      select ${sql.raw(privileges.map((p) => `has_table_privilege('invitational_app', 'audit_events', '${p}') as "${p}"`).join(", "))}
    `)) as unknown;
    const row = (Array.isArray(rows) ? rows[0] : (rows as { rows: unknown[] }).rows[0]) as Record<string, boolean>;
    expect(row).toEqual({ SELECT: true, INSERT: true, UPDATE: false, DELETE: false, TRUNCATE: false });
    // and it keeps its rights to the other tables
    const other = (await t.db.execute(sql`select has_table_privilege('invitational_app', 'applications', 'UPDATE') as ok`)) as unknown;
    const ok = (Array.isArray(other) ? other[0] : (other as { rows: unknown[] }).rows[0]) as { ok: boolean };
    expect(ok.ok).toBe(true);
  });

  it("refuses the app's role an UPDATE with permission denied, before any trigger", async () => {
    const id = await insertOne();
    const attempt = t.db.transaction(async (tx) => {
      await tx.execute(sql`set local role invitational_app`);
      await tx.execute(sql`update audit_events set action = 'x' where id = ${id}`);
    });
    await expect(attempt).rejects.toMatchObject({ cause: expect.objectContaining({ code: "42501" }) });
  });
});
