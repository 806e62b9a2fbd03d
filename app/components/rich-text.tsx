// Plain text with paragraphs and "- " lists, rendered as React text nodes: anything that
// looks like HTML (a <script> tag included) is shown as the characters typed.
export function RichText({ text }: { text: string }) {
  const blocks = text.split(/\r?\n\s*\r?\n/).map((b) => b.trim()).filter(Boolean);
  return (
    <>
      {blocks.map((block, i) => {
        const lines = block.split(/\r?\n/).map((l) => l.trim());
        if (lines.every((l) => /^[-*•]\s+/.test(l))) {
          return (
            <ul key={i}>
              {lines.map((l, j) => (
                <li key={j}>{l.replace(/^[-*•]\s+/, "")}</li>
              ))}
            </ul>
          );
        }
        return (
          <p key={i}>
            {lines.map((l, j) => (
              <span key={j}>
                {j > 0 ? <br /> : null}
                {l}
              </span>
            ))}
          </p>
        );
      })}
    </>
  );
}
