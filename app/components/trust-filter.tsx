import { Select } from "~/components/nhsuk/select";

/** "Trust" in an admin's search form: all trusts, or one (the admin's user and audit searches). */
export function TrustFilter({ trusts, value }: { trusts: readonly { id: string; name: string }[]; value: string | null | undefined }) {
  return (
    <Select id="trustId" name="trustId" label="Trust" defaultValue={value ?? ""}>
      <Select.Option value="">All trusts</Select.Option>
      {trusts.map((t) => (
        <Select.Option key={t.id} value={t.id}>
          {t.name}
        </Select.Option>
      ))}
    </Select>
  );
}
