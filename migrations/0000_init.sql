CREATE TABLE "policies" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "policies_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "policy_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"policy_id" integer NOT NULL,
	"version" integer NOT NULL,
	"spec" jsonb NOT NULL,
	"source_format" text NOT NULL,
	"origin" text NOT NULL,
	"is_active" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"name" text PRIMARY KEY NOT NULL,
	"base_url" text,
	"api_key_env" text,
	"input_price_per_m" double precision DEFAULT 0 NOT NULL,
	"output_price_per_m" double precision DEFAULT 0 NOT NULL,
	"context_window" integer,
	"concurrency" integer DEFAULT 4 NOT NULL,
	"rate_limit_rpm" integer,
	"fleet_file" text,
	"answers_file" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quarantine" (
	"import_id" integer NOT NULL,
	"file" text DEFAULT '' NOT NULL,
	"line" integer NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "quarantine_import_id_file_line_pk" PRIMARY KEY("import_id","file","line")
);
--> statement-breakpoint
CREATE TABLE "sample_items" (
	"sample_id" integer NOT NULL,
	"traffic_id" text NOT NULL,
	"stratum" text,
	CONSTRAINT "sample_items_sample_id_traffic_id_pk" PRIMARY KEY("sample_id","traffic_id")
);
--> statement-breakpoint
CREATE TABLE "samples" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"seed" text NOT NULL,
	"rate" double precision NOT NULL,
	"size" integer NOT NULL,
	"method" jsonb NOT NULL,
	"strata" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "samples_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "traffic" (
	"id" text PRIMARY KEY NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"request" jsonb NOT NULL,
	"metadata" jsonb NOT NULL,
	"response" jsonb NOT NULL,
	"replayable" boolean NOT NULL,
	"format" text NOT NULL,
	"import_id" integer
);
--> statement-breakpoint
CREATE TABLE "traffic_imports" (
	"id" serial PRIMARY KEY NOT NULL,
	"file" text NOT NULL,
	"format" text NOT NULL,
	"imported" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"quarantined" integer DEFAULT 0 NOT NULL,
	"redacted" integer DEFAULT 0 NOT NULL,
	"not_replayable" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "golden_cases" (
	"set_id" integer NOT NULL,
	"case_id" text NOT NULL,
	"body" jsonb NOT NULL,
	"reviewed" boolean DEFAULT true NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "golden_cases_set_id_case_id_pk" PRIMARY KEY("set_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "golden_sets" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "golden_sets_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "judge_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"score" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outcome_quarantine" (
	"set_id" integer NOT NULL,
	"line" integer NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "outcome_quarantine_set_id_line_pk" PRIMARY KEY("set_id","line")
);
--> statement-breakpoint
CREATE TABLE "outcome_sets" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"format" text NOT NULL,
	"file" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outcome_sets_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "recorded_outcomes" (
	"set_id" integer NOT NULL,
	"case_id" text NOT NULL,
	"model" text NOT NULL,
	"ord" integer DEFAULT 0 NOT NULL,
	"input" text,
	"output" text,
	"score" double precision,
	"cost_usd" double precision,
	"latency_ms" double precision,
	"status" integer,
	"metadata" jsonb NOT NULL,
	CONSTRAINT "recorded_outcomes_set_id_case_id_model_pk" PRIMARY KEY("set_id","case_id","model")
);
--> statement-breakpoint
CREATE TABLE "response_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"model" text,
	"status" integer NOT NULL,
	"output" text,
	"answered_by" text,
	"latency_ms" double precision,
	"input_tokens" integer,
	"output_tokens" integer,
	"cost_usd" double precision,
	"error" jsonb,
	"simulated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_cases" (
	"run_id" text NOT NULL,
	"case_id" text NOT NULL,
	"split" text NOT NULL,
	"ts" timestamp with time zone,
	"metadata" jsonb NOT NULL,
	"params" jsonb NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"chunk" integer DEFAULT 0 NOT NULL,
	"golden_case_id" text,
	CONSTRAINT "run_cases_run_id_case_id_pk" PRIMARY KEY("run_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "run_chunks" (
	"run_id" text NOT NULL,
	"chunk" integer NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_chunks_run_id_chunk_pk" PRIMARY KEY("run_id","chunk")
);
--> statement-breakpoint
CREATE TABLE "run_outcomes" (
	"run_id" text NOT NULL,
	"case_id" text NOT NULL,
	"model" text NOT NULL,
	"answered_by" text,
	"status" integer NOT NULL,
	"output" text,
	"score" double precision,
	"pass" boolean,
	"reason" text,
	"cost_usd" double precision,
	"latency_ms" double precision,
	"input_tokens" integer,
	"output_tokens" integer,
	"source" text NOT NULL,
	CONSTRAINT "run_outcomes_run_id_case_id_model_pk" PRIMARY KEY("run_id","case_id","model")
);
--> statement-breakpoint
CREATE TABLE "run_variants" (
	"run_id" text NOT NULL,
	"idx" integer NOT NULL,
	"name" text NOT NULL,
	"version_id" integer,
	"version" integer,
	"spec" jsonb NOT NULL,
	"is_baseline" boolean DEFAULT false NOT NULL,
	CONSTRAINT "run_variants_run_id_idx_pk" PRIMARY KEY("run_id","idx")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"policy_id" integer NOT NULL,
	"base_version_id" integer NOT NULL,
	"source_kind" text NOT NULL,
	"source_name" text NOT NULL,
	"status" text NOT NULL,
	"seed" text NOT NULL,
	"holdout" double precision NOT NULL,
	"cost_cap_usd" double precision,
	"rate" double precision DEFAULT 1 NOT NULL,
	"pairs" integer DEFAULT 0 NOT NULL,
	"model_calls" integer DEFAULT 0 NOT NULL,
	"cache_hits" integer DEFAULT 0 NOT NULL,
	"recorded" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"golden_set_id" integer,
	"source_id" integer,
	"chunks" integer DEFAULT 0 NOT NULL,
	"reserved_usd" double precision DEFAULT 0 NOT NULL,
	"calls_attempted" integer DEFAULT 0 NOT NULL,
	"cap_reached" boolean DEFAULT false NOT NULL,
	"coverage" double precision,
	"notes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"schedule_slot" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "variant_results" (
	"run_id" text NOT NULL,
	"variant_idx" integer NOT NULL,
	"case_id" text NOT NULL,
	"quality" double precision,
	"cost_usd" double precision,
	"latency_ms" double precision,
	"p_error" double precision,
	"p_guardrail_block" double precision,
	"p_budget_block" double precision,
	"served" jsonb,
	"path" jsonb,
	"flagged" boolean DEFAULT false NOT NULL,
	"failure" text,
	CONSTRAINT "variant_results_run_id_variant_idx_case_id_pk" PRIMARY KEY("run_id","variant_idx","case_id")
);
--> statement-breakpoint
CREATE TABLE "promotions" (
	"id" text PRIMARY KEY NOT NULL,
	"policy_id" integer NOT NULL,
	"kind" text NOT NULL,
	"from_version_id" integer,
	"to_version_id" integer NOT NULL,
	"proposal_id" text,
	"actor" text NOT NULL,
	"comment" text,
	"exports" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proposals" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"policy_id" integer NOT NULL,
	"base_version_id" integer NOT NULL,
	"options_key" text NOT NULL,
	"options" jsonb NOT NULL,
	"status" text NOT NULL,
	"spec" jsonb NOT NULL,
	"train" jsonb NOT NULL,
	"holdout" jsonb NOT NULL,
	"baseline" jsonb NOT NULL,
	"holdout_diff" jsonb NOT NULL,
	"rationale" jsonb NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"comment" text,
	"promoted_version_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "policy_versions" ADD CONSTRAINT "policy_versions_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quarantine" ADD CONSTRAINT "quarantine_import_id_traffic_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."traffic_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sample_items" ADD CONSTRAINT "sample_items_sample_id_samples_id_fk" FOREIGN KEY ("sample_id") REFERENCES "public"."samples"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sample_items" ADD CONSTRAINT "sample_items_traffic_id_traffic_id_fk" FOREIGN KEY ("traffic_id") REFERENCES "public"."traffic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "traffic" ADD CONSTRAINT "traffic_import_id_traffic_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."traffic_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "golden_cases" ADD CONSTRAINT "golden_cases_set_id_golden_sets_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."golden_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_quarantine" ADD CONSTRAINT "outcome_quarantine_set_id_outcome_sets_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."outcome_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recorded_outcomes" ADD CONSTRAINT "recorded_outcomes_set_id_outcome_sets_id_fk" FOREIGN KEY ("set_id") REFERENCES "public"."outcome_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_cases" ADD CONSTRAINT "run_cases_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_chunks" ADD CONSTRAINT "run_chunks_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_outcomes" ADD CONSTRAINT "run_outcomes_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_variants" ADD CONSTRAINT "run_variants_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_variants" ADD CONSTRAINT "run_variants_version_id_policy_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."policy_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_base_version_id_policy_versions_id_fk" FOREIGN KEY ("base_version_id") REFERENCES "public"."policy_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "variant_results" ADD CONSTRAINT "variant_results_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_from_version_id_policy_versions_id_fk" FOREIGN KEY ("from_version_id") REFERENCES "public"."policy_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_to_version_id_policy_versions_id_fk" FOREIGN KEY ("to_version_id") REFERENCES "public"."policy_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_proposal_id_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_policy_id_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_base_version_id_policy_versions_id_fk" FOREIGN KEY ("base_version_id") REFERENCES "public"."policy_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_promoted_version_id_policy_versions_id_fk" FOREIGN KEY ("promoted_version_id") REFERENCES "public"."policy_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "policy_versions_policy_version" ON "policy_versions" USING btree ("policy_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_versions_one_active" ON "policy_versions" USING btree ("policy_id") WHERE "policy_versions"."is_active";--> statement-breakpoint
CREATE INDEX "traffic_ts" ON "traffic" USING btree ("ts");--> statement-breakpoint
CREATE INDEX "run_cases_chunk" ON "run_cases" USING btree ("run_id","chunk");--> statement-breakpoint
CREATE UNIQUE INDEX "runs_schedule_slot" ON "runs" USING btree ("policy_id","schedule_slot");--> statement-breakpoint
CREATE INDEX "runs_created" ON "runs" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "proposals_run_options" ON "proposals" USING btree ("run_id","options_key");