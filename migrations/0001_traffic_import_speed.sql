ALTER TABLE "traffic" DROP CONSTRAINT "traffic_import_id_traffic_imports_id_fk";
--> statement-breakpoint
ALTER TABLE "sample_items" ALTER COLUMN "traffic_id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "traffic" ALTER COLUMN "id" SET DATA TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "traffic" ALTER COLUMN "request" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "traffic" ALTER COLUMN "response" SET DATA TYPE json;