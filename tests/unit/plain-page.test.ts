// The pages the server writes itself (413, a malformed address, a failure before routing)
// look like the rest of the service: the same header and footer, a heading that says what
// happened and a paragraph that says what to do.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { SiteFooter } from "~/components/site-footer";
import { bodyLimitFor } from "~/utils/body-limit.server";
import { FOOTER_HTML, plainPage } from "~/utils/plain-page.server";

describe("the server's own pages have no footer, and the 413 page says 'What you sent is too large' twice", () => {
  it("ends every plain page with the footer every other page has", () => {
    expect(FOOTER_HTML).toBe(renderToStaticMarkup(createElement(SiteFooter)));
    expect(plainPage({ title: "Page not found", paragraphs: ["Check the web address is correct."] })).toContain(`</main></div>${FOOTER_HTML}</body>`);
  });

  it("heads the 413 page with what happened and tells the person what to do, without repeating the heading", () => {
    for (const path of ["/sign-in", "/imports"]) {
      const limit = bodyLimitFor(path);
      expect(limit.message).not.toContain(limit.title);
      expect(limit.message).toMatch(/Go back/);
    }
    expect(bodyLimitFor("/trust/opportunities/new").title).toBe("Your answers are too long to send");
    expect(bodyLimitFor("/imports").title).toBe("The file is too large");
  });
});
