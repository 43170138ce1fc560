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
  ranked AS (
    SELECT branch, value,
      ROW_NUMBER() OVER (PARTITION BY branch ORDER BY value) - 1 AS value_rank,
      COUNT(*) OVER (PARTITION BY branch) AS clients
    FROM client_values
  )
SELECT branch, value, MIN(value_rank) AS first_rank, MAX(value_rank) AS last_rank, MAX(clients) AS clients
FROM ranked
WHERE ABS(value_rank - CAST('0.1' AS FLOAT64) * (clients - 1)) <= 8 * SQRT(CAST('0.09000000000000001' AS FLOAT64) * (clients - 1)) + 12
  OR ABS(value_rank - CAST('0.2' AS FLOAT64) * (clients - 1)) <= 8 * SQRT(CAST('0.16000000000000003' AS FLOAT64) * (clients - 1)) + 12
  OR ABS(value_rank - CAST('0.3' AS FLOAT64) * (clients - 1)) <= 8 * SQRT(CAST('0.21' AS FLOAT64) * (clients - 1)) + 12
  OR ABS(value_rank - CAST('0.4' AS FLOAT64) * (clients - 1)) <= 8 * SQRT(CAST('0.24' AS FLOAT64) * (clients - 1)) + 12
  OR ABS(value_rank - CAST('0.5' AS FLOAT64) * (clients - 1)) <= 8 * SQRT(CAST('0.25' AS FLOAT64) * (clients - 1)) + 12
  OR ABS(value_rank - CAST('0.6' AS FLOAT64) * (clients - 1)) <= 8 * SQRT(CAST('0.24' AS FLOAT64) * (clients - 1)) + 12
  OR ABS(value_rank - CAST('0.7' AS FLOAT64) * (clients - 1)) <= 8 * SQRT(CAST('0.21000000000000002' AS FLOAT64) * (clients - 1)) + 12
  OR ABS(value_rank - CAST('0.8' AS FLOAT64) * (clients - 1)) <= 8 * SQRT(CAST('0.15999999999999998' AS FLOAT64) * (clients - 1)) + 12
  OR ABS(value_rank - CAST('0.9' AS FLOAT64) * (clients - 1)) <= 8 * SQRT(CAST('0.08999999999999998' AS FLOAT64) * (clients - 1)) + 12
GROUP BY branch, value
ORDER BY branch, value
