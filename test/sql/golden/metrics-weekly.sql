WITH analysis_windows AS (
    SELECT 0 AS analysis_window_start, 6 AS analysis_window_end
    UNION ALL SELECT 7 AS analysis_window_start, 13 AS analysis_window_end
  ),
  enrollments AS (
    SELECT e.*, w.analysis_window_start, w.analysis_window_end, e.enrollment_date AS window_anchor
    FROM `enrollments_my_experiment` e
    CROSS JOIN analysis_windows w
  ),
  `ds_clients_daily` AS (
    SELECT
      e.analysis_id,
      e.branch,
      e.analysis_window_start,
      COALESCE(SUM(active_hours_sum), 0) AS `active_hours`,
      COUNT(submission_date) AS `days_of_use`,
      COALESCE(LOGICAL_OR(ds.slipstream_recorded_branch != e.branch), FALSE) AS `clients_daily_has_contradictory_branch`,
      COALESCE(LOGICAL_OR(ds.`submission_date` IS NOT NULL AND ds.slipstream_recorded_branch IS NULL), FALSE) AS `clients_daily_has_non_enrolled_data`
    FROM enrollments e
    LEFT JOIN (
      SELECT w.analysis_id AS slipstream_analysis_id, w.analysis_window_start AS slipstream_window_start, ds.*
      FROM enrollments w
      JOIN (
        SELECT ds.*, mozfun.map.get_key(ds.experiments, 'my-experiment') AS slipstream_recorded_branch
        FROM mozdata.telemetry.clients_daily ds
        WHERE ds.`submission_date` BETWEEN DATE '2024-03-01' AND DATE '2024-03-21'
      ) ds
        ON ds.`client_id` = w.analysis_id
        AND ds.`submission_date` BETWEEN DATE_ADD(w.window_anchor, INTERVAL w.analysis_window_start DAY)
          AND DATE_ADD(w.window_anchor, INTERVAL w.analysis_window_end DAY)
        WHERE ds.`submission_date` != w.enrollment_date OR ds.slipstream_recorded_branch IS NOT NULL
    ) ds
      ON ds.slipstream_analysis_id = e.analysis_id
      AND ds.slipstream_window_start = e.analysis_window_start
    GROUP BY e.analysis_id, e.branch, e.analysis_window_start
  ),
  `ds_mobile_search_clients_engines_sources_daily` AS (
    SELECT
      e.analysis_id,
      e.branch,
      e.analysis_window_start,
      COALESCE(SUM(ad_click), 0) AS `ad_clicks`
    FROM enrollments e
    LEFT JOIN (
      SELECT w.analysis_id AS slipstream_analysis_id, w.analysis_window_start AS slipstream_window_start, ds.*
      FROM enrollments w
      JOIN (
        SELECT ds.*
        FROM mozdata.search.mobile ds
        WHERE ds.`submission_date` BETWEEN DATE '2024-03-01' AND DATE '2024-03-21'
      ) ds
        ON ds.`client_id` = w.analysis_id
        AND ds.`submission_date` BETWEEN DATE_ADD(w.window_anchor, INTERVAL w.analysis_window_start DAY)
          AND DATE_ADD(w.window_anchor, INTERVAL w.analysis_window_end DAY)
    ) ds
      ON ds.slipstream_analysis_id = e.analysis_id
      AND ds.slipstream_window_start = e.analysis_window_start
    GROUP BY e.analysis_id, e.branch, e.analysis_window_start
  )
SELECT
  e.* EXCEPT (window_anchor),
  `ds_clients_daily`.`active_hours`,
  `ds_clients_daily`.`days_of_use`,
  `ds_clients_daily`.`clients_daily_has_contradictory_branch`,
  `ds_clients_daily`.`clients_daily_has_non_enrolled_data`,
  `ds_mobile_search_clients_engines_sources_daily`.`ad_clicks`
FROM enrollments e
LEFT JOIN `ds_clients_daily` USING (analysis_id, branch, analysis_window_start)
LEFT JOIN `ds_mobile_search_clients_engines_sources_daily` USING (analysis_id, branch, analysis_window_start)
