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
ALTER TABLE "models" ADD COLUMN "cache_ttl_s" integer;--> statement-breakpoint
ALTER TABLE "response_cache" ADD COLUMN "fingerprint" text;--> statement-breakpoint
ALTER TABLE "response_cache" ADD COLUMN "run_id" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "cache_mode" text DEFAULT 'use' NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "refresh_rate" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "nightly" jsonb;--> statement-breakpoint
ALTER TABLE "run_aggregates" ADD CONSTRAINT "run_aggregates_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_steps" ADD CONSTRAINT "run_steps_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "run_aggregates_policy_at" ON "run_aggregates" USING btree ("policy_id","run_at");