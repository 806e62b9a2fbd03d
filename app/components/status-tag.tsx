import { Tag } from "~/components/nhsuk/tag";

import type { OpportunityStatus } from "~/models/domain";

const STYLE: Record<OpportunityStatus, { text: string; modifier: "grey" | "green" | "orange" | "white" }> = {
  draft: { text: "Draft", modifier: "grey" },
  published: { text: "Published", modifier: "green" },
  closed: { text: "Closed", modifier: "orange" },
  archived: { text: "Archived", modifier: "white" },
};

export function StatusTag({ status }: { status: OpportunityStatus }) {
  const s = STYLE[status];
  return <Tag modifier={s.modifier}>{s.text}</Tag>;
}
