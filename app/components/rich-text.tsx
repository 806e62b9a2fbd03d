// Plain text with paragraphs and "- " lists, rendered as React text nodes: anything that
// looks like HTML (a <script> tag included) is shown as the characters typed.

export type RichTextBlock = { kind: "paragraph"; lines: string[] } | { kind: "list"; items: string[] };

const BULLET = /^[-*•]\s+/;

/**
 * Blank lines separate paragraphs; a list starts at any line that begins with a dash (or * or •)
 * and a space, also straight after a line of text ("You will:" then "- lead the project").
 */
export function richTextBlocks(text: string): RichTextBlock[] {
  const blocks: RichTextBlock[] = [];
  let current: RichTextBlock | null = null;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (!line) {
      current = null;
      continue;
    }
    if (BULLET.test(line)) {
      const item = line.replace(BULLET, "");
      if (current?.kind === "list") current.items.push(item);
      else blocks.push((current = { kind: "list", items: [item] }));
    } else if (current?.kind === "paragraph") {
      current.lines.push(line);
    } else {
      blocks.push((current = { kind: "paragraph", lines: [line] }));
    }
  }
  return blocks;
}

export function RichText({ text }: { text: string }) {
  return (
    <>
      {richTextBlocks(text).map((block, i) =>
        block.kind === "list" ? (
          <ul key={i}>
            {block.items.map((item, j) => (
              <li key={j}>{item}</li>
            ))}
          </ul>
        ) : (
          <p key={i}>
            {block.lines.map((line, j) => (
              <span key={j}>
                {j > 0 ? <br /> : null}
                {line}
              </span>
            ))}
          </p>
        ),
      )}
    </>
  );
}
