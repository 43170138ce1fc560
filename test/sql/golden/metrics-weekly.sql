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
      COALESCE(LOGICAL_OR(mozfun.map.get_key(ds.experiments, 'my-experiment') != e.branch), FALSE) AS `clients_daily_has_contradictory_branch`,
      COALESCE(LOGICAL_OR(ds.`submission_date` IS NOT NULL AND mozfun.map.get_key(ds.experiments, 'my-experiment') IS NULL), FALSE) AS `clients_daily_has_non_enrolled_data`
    FROM enrollments e
    LEFT JOIN mozdata.telemetry.clients_daily ds
      ON ds.`client_id` = e.analysis_id
      AND ds.`submission_date` BETWEEN DATE '2024-03-01' AND DATE '2024-03-21'
      AND ds.`submission_date` BETWEEN DATE_ADD(e.window_anchor, INTERVAL e.analysis_window_start DAY)
        AND DATE_ADD(e.window_anchor, INTERVAL e.analysis_window_end DAY)
      AND (ds.`submission_date` != e.enrollment_date OR mozfun.map.get_key(ds.experiments, 'my-experiment') IS NOT NULL)
    GROUP BY e.analysis_id, e.branch, e.analysis_window_start
  ),
  `ds_mobile_search_clients_engines_sources_daily` AS (
    SELECT
      e.analysis_id,
      e.branch,
      e.analysis_window_start,
      COALESCE(SUM(ad_click), 0) AS `ad_clicks`
    FROM enrollments e
    LEFT JOIN mozdata.search.mobile ds
      ON ds.`client_id` = e.analysis_id
      AND ds.`submission_date` BETWEEN DATE '2024-03-01' AND DATE '2024-03-21'
      AND ds.`submission_date` BETWEEN DATE_ADD(e.window_anchor, INTERVAL e.analysis_window_start DAY)
        AND DATE_ADD(e.window_anchor, INTERVAL e.analysis_window_end DAY)
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
