CREATE TABLE "gateway_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"policies" jsonb NOT NULL,
	"projects" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "gateway_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "shadow_outcomes" (
	"id" serial PRIMARY KEY NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"traffic_id" text NOT NULL,
	"policy" text NOT NULL,
	"variant" text NOT NULL,
	"served_by" text,
	"status" integer,
	"attempts" integer NOT NULL,
	"latency_ms" double precision,
	"cost_usd" double precision,
	"live_served_by" text,
	"live_status" integer
);
--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "provider" text DEFAULT 'openai' NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_model" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "headers" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "provider_options" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "cached_input_price_per_m" double precision;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "rate_limit_tpm" integer;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "cache_ttl_s" integer;--> statement-breakpoint
ALTER TABLE "run_cases" ADD COLUMN "input" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "judge_cost_usd" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "details" jsonb;--> statement-breakpoint
CREATE INDEX "shadow_outcomes_ts" ON "shadow_outcomes" USING btree ("ts");