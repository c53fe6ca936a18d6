CREATE TABLE "traffic_claims" (
	"import_id" integer NOT NULL,
	"traffic_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "traffic_claims_traffic_id_import_id_pk" PRIMARY KEY("traffic_id","import_id")
);
--> statement-breakpoint
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
CREATE TABLE "run_aggregates" (
	"run_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"policy_id" integer NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"n" integer NOT NULL,
	"quality" double precision NOT NULL,
	"quality_lo" double precision NOT NULL,
	"quality_hi" double precision NOT NULL,
	"cost_per_1k" double precision NOT NULL,
	"p95_ms" double precision NOT NULL,
	"error_rate" double precision NOT NULL,
	"error_lo" double precision NOT NULL,
	"error_hi" double precision NOT NULL,
	CONSTRAINT "run_aggregates_run_id_kind_name_pk" PRIMARY KEY("run_id","kind","name")
);
--> statement-breakpoint
CREATE TABLE "run_steps" (
	"run_id" text NOT NULL,
	"step" text NOT NULL,
	"ord" integer NOT NULL,
	"status" text NOT NULL,
	"detail" text,
	"finished_at" timestamp with time zone NOT NULL,
	CONSTRAINT "run_steps_run_id_step_pk" PRIMARY KEY("run_id","step")
);
--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "provider" text DEFAULT 'openai' NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_model" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "headers" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "provider_options" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "cached_input_price_per_m" double precision;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "rate_limit_tpm" integer;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "cache_ttl_s" integer;--> statement-breakpoint
ALTER TABLE "traffic_imports" ADD COLUMN "state" text DEFAULT 'completed' NOT NULL;--> statement-breakpoint
ALTER TABLE "traffic_imports" ADD COLUMN "error" text;--> statement-breakpoint
ALTER TABLE "traffic_imports" ADD COLUMN "pid" integer;--> statement-breakpoint
ALTER TABLE "traffic_imports" ADD COLUMN "finished_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "response_cache" ADD COLUMN "fingerprint" text;--> statement-breakpoint
ALTER TABLE "response_cache" ADD COLUMN "run_id" text;--> statement-breakpoint
ALTER TABLE "run_cases" ADD COLUMN "input" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "judge_cost_usd" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "cache_mode" text DEFAULT 'use' NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "refresh_rate" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "nightly" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "progress_at" timestamp with time zone DEFAULT now();--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "state" text DEFAULT 'deployed' NOT NULL;--> statement-breakpoint
ALTER TABLE "promotions" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "proposals" ADD COLUMN "details" jsonb;--> statement-breakpoint
ALTER TABLE "run_aggregates" ADD CONSTRAINT "run_aggregates_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_steps" ADD CONSTRAINT "run_steps_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shadow_outcomes_ts" ON "shadow_outcomes" USING btree ("ts");--> statement-breakpoint
CREATE INDEX "run_aggregates_policy_at" ON "run_aggregates" USING btree ("policy_id","run_at");--> statement-breakpoint
-- Hand-written backfill: a promotion undone by a revert (before the journal) was never deployed.
UPDATE "promotions" SET "state" = 'failed' WHERE "kind" = 'promote' AND EXISTS (SELECT 1 FROM "promotions" r WHERE r."kind" = 'revert' AND r."from_version_id" = "promotions"."to_version_id");
