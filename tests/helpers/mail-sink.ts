// An SMTP server on loopback that keeps every message, for journeys that follow a link by e-mail.
import type { AddressInfo } from "node:net";

import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll } from "vitest";

export interface ReceivedMail {
  to: string[];
  /** The message as sent, with quoted-printable soft line breaks and escapes undone. */
  text: string;
}

function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Starts the sink before the file's tests; `url` is the SMTP_URL to give the server. */
export function useMailSink() {
  const mails: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  let url = "";
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      secure: false,
      logger: false,
      disableReverseLookup: true,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text: decodeQuotedPrintable(Buffer.concat(chunks).toString("utf8")) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(resolve) : resolve()));
  });
  return {
    get url() {
      return url;
    },
    /** The path of the first link to this site's `prefix` in a message to the address, once one arrives (at most 20 s). */
    async linkTo(address: string, prefix: string, after = 0): Promise<string> {
      const pattern = new RegExp(`https?://[^/\\s]+(${prefix}[A-Za-z0-9_-]+)`);
      const deadline = Date.now() + 20_000;
      for (;;) {
        const mail = mails.slice(after).find((m) => m.to.includes(address) && pattern.test(m.text));
        if (mail) return pattern.exec(mail.text)![1]!;
        if (Date.now() > deadline) throw new Error(`no e-mail with a ${prefix} link reached ${address}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** Every message so far, oldest first. */
    get messages(): readonly ReceivedMail[] {
      return mails;
    },
    /** How many messages have arrived: pass it to linkTo to look only at later ones. */
    get count() {
      return mails.length;
    },
  };
}
