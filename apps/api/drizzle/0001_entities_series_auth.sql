CREATE TABLE "sessions" (
	"id_sha256" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_role_check" CHECK ("users"."role" in ('viewer', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" text PRIMARY KEY NOT NULL,
	"cluster" text NOT NULL,
	"hostname" text NOT NULL,
	"version" text NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clusters" (
	"name" text PRIMARY KEY NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoints" (
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"protocol" text NOT NULL,
	"method" text NOT NULL,
	"route" text NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	CONSTRAINT "endpoints_server_kind_server_name_protocol_method_route_pk" PRIMARY KEY("server_kind","server_name","protocol","method","route")
);
--> statement-breakpoint
CREATE TABLE "exceptions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "exceptions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"entity_kind" text NOT NULL,
	"entity_id" text NOT NULL,
	"metric" text NOT NULL,
	"title" text NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"impact" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exceptions_severity_check" CHECK ("exceptions"."severity" in ('info', 'warning', 'critical')),
	CONSTRAINT "exceptions_status_check" CHECK ("exceptions"."status" in ('open', 'resolved'))
);
--> statement-breakpoint
CREATE TABLE "log_templates" (
	"id" text PRIMARY KEY NOT NULL,
	"template" text NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nodes" (
	"cluster" text NOT NULL,
	"name" text NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	CONSTRAINT "nodes_cluster_name_pk" PRIMARY KEY("cluster","name")
);
--> statement-breakpoint
CREATE TABLE "pods" (
	"uid" text PRIMARY KEY NOT NULL,
	"cluster" text NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"workload_kind" text,
	"workload_name" text,
	"service" text,
	"node_name" text NOT NULL,
	"ip" text,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processes" (
	"node_name" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"comm" text NOT NULL,
	"pod_uid" text,
	"ended_at" timestamp with time zone,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	CONSTRAINT "processes_node_name_pid_started_at_pk" PRIMARY KEY("node_name","pid","started_at")
);
--> statement-breakpoint
CREATE TABLE "rca_reports" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rca_reports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"exception_id" integer,
	"window_from" timestamp with time zone NOT NULL,
	"window_to" timestamp with time zone NOT NULL,
	"root_cause" text NOT NULL,
	"confidence" jsonb NOT NULL,
	"summary" text NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workloads" (
	"cluster" text NOT NULL,
	"namespace" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	CONSTRAINT "workloads_cluster_namespace_kind_name_pk" PRIMARY KEY("cluster","namespace","kind","name")
);
--> statement-breakpoint
CREATE TABLE "edge_drop_samples" (
	"bucket_start" timestamp with time zone NOT NULL,
	"client_kind" text NOT NULL,
	"client_name" text NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"reason" text NOT NULL,
	"drops" bigint NOT NULL,
	"agent_id" text NOT NULL,
	"batch_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "edge_drop_samples_1h" (
	"bucket_start" timestamp with time zone NOT NULL,
	"client_kind" text NOT NULL,
	"client_name" text NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"reason" text NOT NULL,
	"drops" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "edge_drop_samples_1m" (
	"bucket_start" timestamp with time zone NOT NULL,
	"client_kind" text NOT NULL,
	"client_name" text NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"reason" text NOT NULL,
	"drops" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "edge_network_samples" (
	"bucket_start" timestamp with time zone NOT NULL,
	"client_kind" text NOT NULL,
	"client_name" text NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"connects" bigint NOT NULL,
	"failed_connects" bigint NOT NULL,
	"resets" bigint NOT NULL,
	"retransmits" bigint NOT NULL,
	"srtt_sum_us" bigint NOT NULL,
	"srtt_samples" bigint NOT NULL,
	"bytes_sent" bigint NOT NULL,
	"bytes_received" bigint NOT NULL,
	"packets_sent" bigint NOT NULL,
	"packets_received" bigint NOT NULL,
	"agent_id" text NOT NULL,
	"batch_id" uuid NOT NULL,
	CONSTRAINT "edge_network_samples_kinds_check" CHECK ("edge_network_samples"."client_kind" in ('service', 'external') and "edge_network_samples"."server_kind" in ('service', 'external'))
);
--> statement-breakpoint
CREATE TABLE "edge_network_samples_1h" (
	"bucket_start" timestamp with time zone NOT NULL,
	"client_kind" text NOT NULL,
	"client_name" text NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"connects" bigint NOT NULL,
	"failed_connects" bigint NOT NULL,
	"resets" bigint NOT NULL,
	"retransmits" bigint NOT NULL,
	"srtt_sum_us" bigint NOT NULL,
	"srtt_samples" bigint NOT NULL,
	"bytes_sent" bigint NOT NULL,
	"bytes_received" bigint NOT NULL,
	"packets_sent" bigint NOT NULL,
	"packets_received" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "edge_network_samples_1m" (
	"bucket_start" timestamp with time zone NOT NULL,
	"client_kind" text NOT NULL,
	"client_name" text NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"connects" bigint NOT NULL,
	"failed_connects" bigint NOT NULL,
	"resets" bigint NOT NULL,
	"retransmits" bigint NOT NULL,
	"srtt_sum_us" bigint NOT NULL,
	"srtt_samples" bigint NOT NULL,
	"bytes_sent" bigint NOT NULL,
	"bytes_received" bigint NOT NULL,
	"packets_sent" bigint NOT NULL,
	"packets_received" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "edge_samples_1h" (
	"bucket_start" timestamp with time zone NOT NULL,
	"client_kind" text NOT NULL,
	"client_name" text NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"protocol" text NOT NULL,
	"method" text NOT NULL,
	"status_class" text NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	"latency_max_ms" double precision NOT NULL,
	"latency_histogram" bigint[]
);
--> statement-breakpoint
CREATE TABLE "edge_samples_1m" (
	"bucket_start" timestamp with time zone NOT NULL,
	"client_kind" text NOT NULL,
	"client_name" text NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"protocol" text NOT NULL,
	"method" text NOT NULL,
	"status_class" text NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	"latency_max_ms" double precision NOT NULL,
	"latency_histogram" bigint[]
);
--> statement-breakpoint
CREATE TABLE "endpoint_samples" (
	"bucket_start" timestamp with time zone NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"protocol" text NOT NULL,
	"method" text NOT NULL,
	"route" text NOT NULL,
	"status_class" text NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	"latency_max_ms" double precision NOT NULL,
	"latency_histogram" bigint[],
	"agent_id" text NOT NULL,
	"batch_id" uuid NOT NULL,
	CONSTRAINT "endpoint_samples_counts_check" CHECK ("endpoint_samples"."requests" >= 1 and "endpoint_samples"."errors" >= 0 and "endpoint_samples"."errors" <= "endpoint_samples"."requests")
);
--> statement-breakpoint
CREATE TABLE "endpoint_samples_1h" (
	"bucket_start" timestamp with time zone NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"protocol" text NOT NULL,
	"method" text NOT NULL,
	"route" text NOT NULL,
	"status_class" text NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	"latency_max_ms" double precision NOT NULL,
	"latency_histogram" bigint[]
);
--> statement-breakpoint
CREATE TABLE "endpoint_samples_1m" (
	"bucket_start" timestamp with time zone NOT NULL,
	"server_kind" text NOT NULL,
	"server_name" text NOT NULL,
	"protocol" text NOT NULL,
	"method" text NOT NULL,
	"route" text NOT NULL,
	"status_class" text NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	"latency_max_ms" double precision NOT NULL,
	"latency_histogram" bigint[]
);
--> statement-breakpoint
CREATE TABLE "log_template_samples" (
	"bucket_start" timestamp with time zone NOT NULL,
	"source_kind" text NOT NULL,
	"source_name" text NOT NULL,
	"level" text NOT NULL,
	"template_id" text NOT NULL,
	"lines" bigint NOT NULL,
	"agent_id" text NOT NULL,
	"batch_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_template_samples_1h" (
	"bucket_start" timestamp with time zone NOT NULL,
	"source_kind" text NOT NULL,
	"source_name" text NOT NULL,
	"level" text NOT NULL,
	"template_id" text NOT NULL,
	"lines" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_template_samples_1m" (
	"bucket_start" timestamp with time zone NOT NULL,
	"source_kind" text NOT NULL,
	"source_name" text NOT NULL,
	"level" text NOT NULL,
	"template_id" text NOT NULL,
	"lines" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_state" (
	"job" text PRIMARY KEY NOT NULL,
	"watermark" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resource_samples" (
	"bucket_start" timestamp with time zone NOT NULL,
	"entity_kind" text NOT NULL,
	"entity_id" text NOT NULL,
	"node_name" text NOT NULL,
	"cpu_seconds" double precision NOT NULL,
	"throttled_seconds" double precision NOT NULL,
	"memory_bytes_sum" double precision NOT NULL,
	"memory_bytes_max" double precision NOT NULL,
	"memory_samples" bigint NOT NULL,
	"agent_id" text NOT NULL,
	"batch_id" uuid NOT NULL,
	CONSTRAINT "resource_samples_kind_check" CHECK ("resource_samples"."entity_kind" in ('node', 'pod', 'process'))
);
--> statement-breakpoint
CREATE TABLE "resource_samples_1h" (
	"bucket_start" timestamp with time zone NOT NULL,
	"entity_kind" text NOT NULL,
	"entity_id" text NOT NULL,
	"node_name" text NOT NULL,
	"cpu_seconds" double precision NOT NULL,
	"throttled_seconds" double precision NOT NULL,
	"memory_bytes_sum" double precision NOT NULL,
	"memory_bytes_max" double precision NOT NULL,
	"memory_samples" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resource_samples_1m" (
	"bucket_start" timestamp with time zone NOT NULL,
	"entity_kind" text NOT NULL,
	"entity_id" text NOT NULL,
	"node_name" text NOT NULL,
	"cpu_seconds" double precision NOT NULL,
	"throttled_seconds" double precision NOT NULL,
	"memory_bytes_sum" double precision NOT NULL,
	"memory_bytes_max" double precision NOT NULL,
	"memory_samples" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_tokens" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "edge_samples" ADD COLUMN "latency_histogram" bigint[];--> statement-breakpoint
ALTER TABLE "ingest_batches" ADD COLUMN "total_rows" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ingest_batches" ADD COLUMN "min_bucket_start" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rca_reports" ADD CONSTRAINT "rca_reports_exception_id_exceptions_id_fk" FOREIGN KEY ("exception_id") REFERENCES "public"."exceptions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "exceptions_status_started_idx" ON "exceptions" USING btree ("status","started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "exceptions_entity_idx" ON "exceptions" USING btree ("entity_kind","entity_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "pods_ip_started_idx" ON "pods" USING btree ("ip","started_at");--> statement-breakpoint
CREATE INDEX "pods_namespace_name_idx" ON "pods" USING btree ("namespace","name");--> statement-breakpoint
CREATE INDEX "processes_pod_idx" ON "processes" USING btree ("pod_uid");--> statement-breakpoint
CREATE INDEX "rca_reports_exception_idx" ON "rca_reports" USING btree ("exception_id");--> statement-breakpoint
CREATE INDEX "rca_reports_created_idx" ON "rca_reports" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "edge_drop_samples_bucket_start_idx" ON "edge_drop_samples" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "edge_drop_samples_edge_bucket_idx" ON "edge_drop_samples" USING btree ("client_kind","client_name","server_kind","server_name","bucket_start");--> statement-breakpoint
CREATE INDEX "edge_drop_samples_1h_bucket_start_idx" ON "edge_drop_samples_1h" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "edge_drop_samples_1h_edge_bucket_idx" ON "edge_drop_samples_1h" USING btree ("client_kind","client_name","server_kind","server_name","bucket_start");--> statement-breakpoint
CREATE INDEX "edge_drop_samples_1m_bucket_start_idx" ON "edge_drop_samples_1m" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "edge_drop_samples_1m_edge_bucket_idx" ON "edge_drop_samples_1m" USING btree ("client_kind","client_name","server_kind","server_name","bucket_start");--> statement-breakpoint
CREATE INDEX "edge_network_samples_bucket_start_idx" ON "edge_network_samples" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "edge_network_samples_edge_bucket_idx" ON "edge_network_samples" USING btree ("client_kind","client_name","server_kind","server_name","bucket_start");--> statement-breakpoint
CREATE INDEX "edge_network_samples_1h_bucket_start_idx" ON "edge_network_samples_1h" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "edge_network_samples_1h_edge_bucket_idx" ON "edge_network_samples_1h" USING btree ("client_kind","client_name","server_kind","server_name","bucket_start");--> statement-breakpoint
CREATE INDEX "edge_network_samples_1m_bucket_start_idx" ON "edge_network_samples_1m" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "edge_network_samples_1m_edge_bucket_idx" ON "edge_network_samples_1m" USING btree ("client_kind","client_name","server_kind","server_name","bucket_start");--> statement-breakpoint
CREATE INDEX "edge_samples_1h_bucket_start_idx" ON "edge_samples_1h" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "edge_samples_1h_edge_bucket_idx" ON "edge_samples_1h" USING btree ("client_kind","client_name","server_kind","server_name","bucket_start");--> statement-breakpoint
CREATE INDEX "edge_samples_1m_bucket_start_idx" ON "edge_samples_1m" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "edge_samples_1m_edge_bucket_idx" ON "edge_samples_1m" USING btree ("client_kind","client_name","server_kind","server_name","bucket_start");--> statement-breakpoint
CREATE INDEX "endpoint_samples_bucket_start_idx" ON "endpoint_samples" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "endpoint_samples_endpoint_bucket_idx" ON "endpoint_samples" USING btree ("server_kind","server_name","route","bucket_start");--> statement-breakpoint
CREATE INDEX "endpoint_samples_1h_bucket_start_idx" ON "endpoint_samples_1h" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "endpoint_samples_1h_endpoint_bucket_idx" ON "endpoint_samples_1h" USING btree ("server_kind","server_name","route","bucket_start");--> statement-breakpoint
CREATE INDEX "endpoint_samples_1m_bucket_start_idx" ON "endpoint_samples_1m" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "endpoint_samples_1m_endpoint_bucket_idx" ON "endpoint_samples_1m" USING btree ("server_kind","server_name","route","bucket_start");--> statement-breakpoint
CREATE INDEX "log_template_samples_bucket_start_idx" ON "log_template_samples" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "log_template_samples_source_bucket_idx" ON "log_template_samples" USING btree ("source_kind","source_name","bucket_start");--> statement-breakpoint
CREATE INDEX "log_template_samples_1h_bucket_start_idx" ON "log_template_samples_1h" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "log_template_samples_1h_source_bucket_idx" ON "log_template_samples_1h" USING btree ("source_kind","source_name","bucket_start");--> statement-breakpoint
CREATE INDEX "log_template_samples_1m_bucket_start_idx" ON "log_template_samples_1m" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "log_template_samples_1m_source_bucket_idx" ON "log_template_samples_1m" USING btree ("source_kind","source_name","bucket_start");--> statement-breakpoint
CREATE INDEX "resource_samples_bucket_start_idx" ON "resource_samples" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "resource_samples_entity_bucket_idx" ON "resource_samples" USING btree ("entity_kind","entity_id","bucket_start");--> statement-breakpoint
CREATE INDEX "resource_samples_1h_bucket_start_idx" ON "resource_samples_1h" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "resource_samples_1h_entity_bucket_idx" ON "resource_samples_1h" USING btree ("entity_kind","entity_id","bucket_start");--> statement-breakpoint
CREATE INDEX "resource_samples_1m_bucket_start_idx" ON "resource_samples_1m" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "resource_samples_1m_entity_bucket_idx" ON "resource_samples_1m" USING btree ("entity_kind","entity_id","bucket_start");--> statement-breakpoint
CREATE INDEX "ingest_batches_received_idx" ON "ingest_batches" USING btree ("received_at");