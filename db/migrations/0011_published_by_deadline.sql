CREATE TABLE "published_by_deadline" (
	"deadline" date PRIMARY KEY NOT NULL,
	"published" integer NOT NULL
);
--> statement-breakpoint
-- Kept by statement triggers with transition tables: one upsert per statement whatever the
-- number of rows, taking the days' rows in date order, so two statements cannot lock them in
-- opposite orders. They run as whoever changed opportunities (the app's role may write here).
CREATE FUNCTION count_published_by_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO published_by_deadline AS d (deadline, published)
      SELECT application_deadline, count(*) FROM new_rows WHERE status = 'published' GROUP BY 1 ORDER BY 1
      ON CONFLICT (deadline) DO UPDATE SET published = d.published + excluded.published;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO published_by_deadline AS d (deadline, published)
      SELECT application_deadline, -count(*) FROM old_rows WHERE status = 'published' GROUP BY 1 ORDER BY 1
      ON CONFLICT (deadline) DO UPDATE SET published = d.published + excluded.published;
  ELSE
    INSERT INTO published_by_deadline AS d (deadline, published)
      SELECT deadline, sum(n) FROM (
        SELECT application_deadline AS deadline, 1 AS n FROM new_rows WHERE status = 'published'
        UNION ALL
        SELECT application_deadline, -1 FROM old_rows WHERE status = 'published'
      ) changes GROUP BY deadline HAVING sum(n) <> 0 ORDER BY deadline
      ON CONFLICT (deadline) DO UPDATE SET published = d.published + excluded.published;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION clear_published_by_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM published_by_deadline;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER opportunities_published_insert AFTER INSERT ON opportunities
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_published_by_deadline();
--> statement-breakpoint
CREATE TRIGGER opportunities_published_update AFTER UPDATE ON opportunities
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_published_by_deadline();
--> statement-breakpoint
CREATE TRIGGER opportunities_published_delete AFTER DELETE ON opportunities
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_published_by_deadline();
--> statement-breakpoint
CREATE TRIGGER opportunities_published_truncate AFTER TRUNCATE ON opportunities
  FOR EACH STATEMENT EXECUTE FUNCTION clear_published_by_deadline();
--> statement-breakpoint
INSERT INTO published_by_deadline (deadline, published)
  SELECT application_deadline, count(*) FROM opportunities WHERE status = 'published' GROUP BY 1;
