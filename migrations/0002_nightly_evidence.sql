ALTER TABLE "models" ADD COLUMN "cache_ttl_s" integer;--> statement-breakpoint
ALTER TABLE "response_cache" ADD COLUMN "fingerprint" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "cache_mode" text DEFAULT 'use' NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "refresh_rate" double precision DEFAULT 0 NOT NULL;