ALTER TABLE "promotions" ADD COLUMN "state" text DEFAULT 'deployed' NOT NULL;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "owner" text;