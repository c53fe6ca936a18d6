CREATE TABLE "traffic_claims" (
	"import_id" integer NOT NULL,
	"traffic_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "traffic_claims_traffic_id_import_id_pk" PRIMARY KEY("traffic_id","import_id")
);
--> statement-breakpoint
ALTER TABLE "traffic_imports" ADD COLUMN "state" text DEFAULT 'completed' NOT NULL;--> statement-breakpoint
ALTER TABLE "traffic_imports" ADD COLUMN "error" text;--> statement-breakpoint
ALTER TABLE "traffic_imports" ADD COLUMN "pid" integer;--> statement-breakpoint
ALTER TABLE "traffic_imports" ADD COLUMN "finished_at" timestamp with time zone;