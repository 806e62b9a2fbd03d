CREATE INDEX "opportunities_trust_status_tier_idx" ON "opportunities" USING btree ("trust_id","status","tier");--> statement-breakpoint
DROP INDEX "opportunities_trust_status_idx";
