/** A PDF download: a file name of letters, digits and hyphens only (the caller's), never cached (it is personal). */
export function pdfResponse(pdf: Buffer, fileName: string): Response {
  if (!/^[a-z0-9-]+\.pdf$/.test(fileName)) throw new RangeError("unsafe PDF file name");
  return new Response(new Uint8Array(pdf), {
    status: 200,
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Content-Length": String(pdf.length),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
