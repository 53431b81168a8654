CREATE TABLE "agent_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"token_sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "agent_tokens_token_sha256_unique" UNIQUE("token_sha256")
);
--> statement-breakpoint
CREATE TABLE "edge_samples" (
	"bucket_start" timestamp with time zone NOT NULL,
	"bucket_seconds" integer NOT NULL,
	"client_kind" text NOT NULL,
	"client_name" text NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"protocol" text NOT NULL,
	"method" text NOT NULL,
	"status_class" text NOT NULL,
	"requests" integer NOT NULL,
	"errors" integer NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	"latency_max_ms" double precision NOT NULL,
	"agent_id" text NOT NULL,
	"batch_id" uuid NOT NULL,
	CONSTRAINT "edge_samples_counts_check" CHECK ("edge_samples"."requests" >= 1 and "edge_samples"."errors" >= 0 and "edge_samples"."errors" <= "edge_samples"."requests"),
	CONSTRAINT "edge_samples_kinds_check" CHECK ("edge_samples"."client_kind" in ('service', 'external') and "edge_samples"."server_kind" in ('service', 'external'))
);
--> statement-breakpoint
CREATE TABLE "ingest_batches" (
	"batch_id" uuid PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"edge_rows" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "edge_samples_bucket_start_idx" ON "edge_samples" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "edge_samples_edge_bucket_idx" ON "edge_samples" USING btree ("client_kind","client_name","server_kind","server_name","bucket_start");