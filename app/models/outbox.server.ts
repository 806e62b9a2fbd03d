import type { DbOrTx } from "@db/client";
import { emailOutbox } from "@db/schema";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Writes the e-mail in the caller's transaction: it is sent only if the change that caused
 * it commits, and it survives the mail server being down.
 */
export async function queueEmail(tx: DbOrTx, email: OutgoingEmail): Promise<void> {
  await tx.insert(emailOutbox).values({ toAddress: email.to, subject: email.subject, textBody: email.text });
}

/** "p***@example.nhs.uk": enough to tell messages apart in a log, not enough to identify anyone. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${address[0]}***${address.slice(at)}`;
}
