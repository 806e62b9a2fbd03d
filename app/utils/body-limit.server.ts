// How much of a request body the server reads. Every action reads its whole form into memory
// (request.formData()), so without a limit one unauthenticated POST of 400 MB took the process
// from 523 MB to 3.7 GB. The limit is checked in server.ts before Remix sees the request: the
// declared Content-Length first, then the bytes as they arrive (a chunked body declares none).
import { Transform, type Readable } from "node:stream";

import { MAX_IMPORT_BYTES } from "~/models/rotation-import";

/** A form of fields: the longest (an opportunity with every field full) is a few tens of KB. */
export const FORM_BODY_LIMIT = 1024 * 1024;
/** The rotation import's own 20 MB for the file, plus room for the multipart envelope. */
export const UPLOAD_BODY_LIMIT = MAX_IMPORT_BYTES + 64 * 1024;

/** Paths whose form carries a file (multipart/form-data). */
const UPLOAD_PATHS = new Set(["/imports"]);

export interface BodyLimit {
  bytes: number;
  /** The 413 page's heading and what it tells the person to do. */
  title: string;
  message: string;
}

export function bodyLimitFor(pathname: string): BodyLimit {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  if (UPLOAD_PATHS.has(path)) {
    return {
      bytes: UPLOAD_BODY_LIMIT,
      title: "The file is too large",
      message: "The file must be smaller than 20\u00a0MB. Go back, split the rotations into smaller files and upload each one.",
    };
  }
  return {
    bytes: FORM_BODY_LIMIT,
    title: "Your answers are too long to send",
    message: "Together, your answers must be smaller than 1\u00a0MB. Go back, shorten the longest answer and send the form again.",
  };
}

/** True when a Content-Length header announces more than the limit. */
export function declaresTooMuch(contentLength: string | undefined, limit: BodyLimit): boolean {
  if (contentLength === undefined) return false;
  const declared = Number(contentLength);
  return !Number.isFinite(declared) || declared > limit.bytes;
}

/**
 * The request body, passed through until more than `limit` bytes have arrived; then the
 * stream fails, `onTooLarge` runs and the rest of the request is left unread (the response
 * closes the connection).
 */
export function limitedBody(source: Readable, limit: BodyLimit, onTooLarge: () => void): Readable {
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > limit.bytes) {
        source.unpipe(counter);
        source.pause();
        onTooLarge();
        callback(new RequestBodyTooLargeError());
        return;
      }
      callback(null, chunk);
    },
  });
  source.on("error", (error) => counter.destroy(error));
  return source.pipe(counter);
}

export class RequestBodyTooLargeError extends Error {
  constructor() {
    super("request body too large");
    this.name = "RequestBodyTooLargeError";
  }
}
