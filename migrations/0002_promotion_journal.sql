ALTER TABLE "promotions" ADD COLUMN "state" text DEFAULT 'deployed' NOT NULL;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "owner" text;--> statement-breakpoint
-- Hand-written backfill: a promotion undone by a revert (before the journal) was never deployed.
UPDATE "promotions" SET "state" = 'failed' WHERE "kind" = 'promote' AND EXISTS (SELECT 1 FROM "promotions" r WHERE r."kind" = 'revert' AND r."from_version_id" = "promotions"."to_version_id");
