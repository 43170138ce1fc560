WITH source_values AS (
    SELECT branch, CASE WHEN IS_NAN(CAST(`active_hours` AS FLOAT64)) THEN NULL ELSE CAST(`active_hours` AS FLOAT64) END AS value
    FROM `statistics_my_experiment_week_2`
    WHERE analysis_window_start = 7
      AND `new_or_resurrected`
  ),
  client_values AS (
    SELECT * FROM source_values
    WHERE value IS NOT NULL AND NOT IS_INF(value)
  ),
  cardinality AS (
    SELECT branch, COUNT(DISTINCT value) AS distinct_values FROM client_values GROUP BY branch
  ),
  bucketed AS (
    SELECT v.branch, v.value, NTILE(1000) OVER (PARTITION BY v.branch ORDER BY v.value) AS bucket
    FROM client_values v JOIN cardinality c USING (branch)
    WHERE c.distinct_values > 1000
  )
SELECT v.branch, 'value' AS kind, v.value, COUNT(*) AS clients, SUM(v.value) AS total, SUM(v.value * v.value) AS squares, NULL AS bucket
FROM client_values v JOIN cardinality c USING (branch)
WHERE c.distinct_values <= 1000
GROUP BY v.branch, v.value
UNION ALL
SELECT branch, 'bucket' AS kind, NULL AS value, COUNT(*) AS clients, SUM(value) AS total, SUM(value * value) AS squares, bucket
FROM bucketed
GROUP BY branch, bucket
ORDER BY 1, 2, 3, 7
