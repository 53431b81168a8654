-- Custom migration (drizzle-kit generate --custom): the ten-minute rollups (0004) become
-- PARTITION BY RANGE (bucket_start) like every other series table (0002), then are filled from the
-- minute rollups already stored, so windows read from them answer the same as before.
CREATE FUNCTION kinsight_partition_by_day(tbl text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  defs text[];
  def text;
BEGIN
  SELECT coalesce(array_agg(indexdef), '{}') INTO defs FROM pg_indexes WHERE schemaname = 'public' AND tablename = tbl;
  EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, tbl || '__plain');
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (bucket_start)', tbl, tbl || '__plain');
  EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', tbl || '_default', tbl);
  EXECUTE format('INSERT INTO %I SELECT * FROM %I', tbl, tbl || '__plain');
  EXECUTE format('DROP TABLE %I', tbl || '__plain');
  FOREACH def IN ARRAY defs LOOP
    EXECUTE def;
  END LOOP;
END
$$;
--> statement-breakpoint
SELECT kinsight_partition_by_day(t) FROM unnest(ARRAY[
  'edge_samples_10m', 'endpoint_samples_10m', 'edge_network_samples_10m',
  'edge_drop_samples_10m', 'resource_samples_10m', 'log_template_samples_10m'
]) AS t;
--> statement-breakpoint
DROP FUNCTION kinsight_partition_by_day(text);
--> statement-breakpoint
INSERT INTO edge_samples_10m (bucket_start, series_id, requests, errors, latency_sum_ms, latency_max_ms, latency_histogram)
SELECT date_bin('10 minutes', bucket_start, timestamptz '2000-01-01 00:00:00+00'), series_id, sum(requests), sum(errors), sum(latency_sum_ms), max(latency_max_ms), kinsight_histogram_sum(latency_histogram)
FROM edge_samples_1m GROUP BY 1, series_id ORDER BY 1;
--> statement-breakpoint
INSERT INTO endpoint_samples_10m (bucket_start, series_id, requests, errors, latency_sum_ms, latency_max_ms, latency_histogram)
SELECT date_bin('10 minutes', bucket_start, timestamptz '2000-01-01 00:00:00+00'), series_id, sum(requests), sum(errors), sum(latency_sum_ms), max(latency_max_ms), kinsight_histogram_sum(latency_histogram)
FROM endpoint_samples_1m GROUP BY 1, series_id ORDER BY 1;
--> statement-breakpoint
INSERT INTO edge_network_samples_10m (bucket_start, series_id, connects, failed_connects, resets, retransmits, srtt_sum_us, srtt_samples, bytes_sent, bytes_received, packets_sent, packets_received)
SELECT date_bin('10 minutes', bucket_start, timestamptz '2000-01-01 00:00:00+00'), series_id, sum(connects), sum(failed_connects), sum(resets), sum(retransmits), sum(srtt_sum_us), sum(srtt_samples), sum(bytes_sent), sum(bytes_received), sum(packets_sent), sum(packets_received)
FROM edge_network_samples_1m GROUP BY 1, series_id ORDER BY 1;
--> statement-breakpoint
INSERT INTO edge_drop_samples_10m (bucket_start, series_id, drops)
SELECT date_bin('10 minutes', bucket_start, timestamptz '2000-01-01 00:00:00+00'), series_id, sum(drops)
FROM edge_drop_samples_1m GROUP BY 1, series_id ORDER BY 1;
--> statement-breakpoint
INSERT INTO resource_samples_10m (bucket_start, series_id, cpu_seconds, throttled_seconds, memory_bytes_sum, memory_samples, memory_bytes_max)
SELECT date_bin('10 minutes', bucket_start, timestamptz '2000-01-01 00:00:00+00'), series_id, sum(cpu_seconds), sum(throttled_seconds), sum(memory_bytes_sum), sum(memory_samples), max(memory_bytes_max)
FROM resource_samples_1m GROUP BY 1, series_id ORDER BY 1;
--> statement-breakpoint
INSERT INTO log_template_samples_10m (bucket_start, series_id, lines)
SELECT date_bin('10 minutes', bucket_start, timestamptz '2000-01-01 00:00:00+00'), series_id, sum(lines)
FROM log_template_samples_1m GROUP BY 1, series_id ORDER BY 1;
