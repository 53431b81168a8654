-- Custom migration (drizzle-kit generate --custom): what drizzle cannot declare.
-- 1. Element-wise sum of latency histograms, so rollups and queries add histograms in SQL.
CREATE FUNCTION kinsight_histogram_add(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) ORDER BY i)
  FROM generate_series(1, greatest(cardinality(a), cardinality(b))) AS i
$$;
--> statement-breakpoint
-- STRICT with no initial state: rows without a histogram are skipped, an all-null group stays null.
CREATE AGGREGATE kinsight_histogram_sum(bigint[]) (SFUNC = kinsight_histogram_add, STYPE = bigint[]);
--> statement-breakpoint
-- 2. Every series table becomes PARTITION BY RANGE (bucket_start) with the same columns, checks
-- and index names, plus a DEFAULT partition that catches buckets no daily partition covers yet
-- (db/partitions.ts moves them out when it creates that day). Existing rows are kept.
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
  -- The definitions name the table by its original name, which is now the partitioned one.
  FOREACH def IN ARRAY defs LOOP
    EXECUTE def;
  END LOOP;
END
$$;
--> statement-breakpoint
SELECT kinsight_partition_by_day(t) FROM unnest(ARRAY[
  'edge_samples', 'edge_samples_1m', 'edge_samples_1h',
  'endpoint_samples', 'endpoint_samples_1m', 'endpoint_samples_1h',
  'edge_network_samples', 'edge_network_samples_1m', 'edge_network_samples_1h',
  'edge_drop_samples', 'edge_drop_samples_1m', 'edge_drop_samples_1h',
  'resource_samples', 'resource_samples_1m', 'resource_samples_1h',
  'log_template_samples', 'log_template_samples_1m', 'log_template_samples_1h'
]) AS t;
--> statement-breakpoint
DROP FUNCTION kinsight_partition_by_day(text);
