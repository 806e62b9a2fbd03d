// The outbox as its e-mails would read if sent now: rows store facts, the words are composed at sending.
import { asc } from "drizzle-orm";

import type { Db } from "../../db/client";
import { emailOutbox } from "../../db/schema";
import { composeEmail } from "../../app/models/emails.server";

export const MAIL_ORIGIN = "http://localhost:3000";

export async function composedOutbox(db: Db, origin = MAIL_ORIGIN) {
  const rows = await db.select().from(emailOutbox).orderBy(asc(emailOutbox.id));
  return Promise.all(rows.map(async (row) => ({ row, email: await composeEmail(db, row, { origin }) })));
}
