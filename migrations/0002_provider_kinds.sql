ALTER TABLE "models" ADD COLUMN "provider" text DEFAULT 'openai' NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_model" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "headers" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "provider_options" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "cached_input_price_per_m" double precision;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "rate_limit_tpm" integer;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "cache_ttl_s" integer;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "judge_cost_usd" double precision DEFAULT 0 NOT NULL;