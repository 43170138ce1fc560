WITH raw_enrollments AS (
    SELECT
      mozfun.map.get_key(e.event_extra, 'nimbus_user_id') AS analysis_id,
      mozfun.map.get_key(e.event_extra, 'branch') AS branch,
      MIN(e.submission_date) AS enrollment_date,
      COUNT(e.submission_date) AS num_enrollment_events
    FROM (
      SELECT
        DATE(p.submission_timestamp) AS submission_date,
        p.client_info.app_channel AS app_channel,
        event.category AS event_category,
        event.name AS event_name,
        event.extra AS event_extra
      FROM `moz-fx-data-shared-prod.monitor_cirrus.enrollment` p
      CROSS JOIN UNNEST(p.events) AS event
    ) e
    WHERE mozfun.map.get_key(e.event_extra, 'nimbus_user_id') IS NOT NULL
      AND e.submission_date BETWEEN DATE '2024-03-01' AND DATE '2024-03-08'
      AND e.event_category = 'cirrus_events'
      AND e.event_name = 'enrollment'
      AND mozfun.map.get_key(e.event_extra, 'experiment') = 'my-experiment'
      AND e.app_channel = 'production'
    GROUP BY 1, 2
  ),
  exposures AS (
    SELECT
      re.analysis_id,
      re.branch,
      MIN(x.submission_date) AS exposure_date,
      COUNT(x.submission_date) AS num_exposure_events
    FROM raw_enrollments re
    JOIN (
      SELECT
        DATE(p.submission_timestamp) AS submission_date,
        p.client_info.app_channel AS app_channel,
        event.category AS event_category,
        event.name AS event_name,
        event.extra AS event_extra
      FROM `moz-fx-data-shared-prod.monitor_cirrus.events` p
      CROSS JOIN UNNEST(p.events) AS event
    ) x
      ON mozfun.map.get_key(x.event_extra, 'nimbus_user_id') = re.analysis_id
      AND mozfun.map.get_key(x.event_extra, 'branch') = re.branch
      AND x.submission_date >= re.enrollment_date
    WHERE x.event_category = 'cirrus_events'
      AND x.event_name IN ('exposure', 'expose')
      AND mozfun.map.get_key(x.event_extra, 'experiment') = 'my-experiment'
      AND x.submission_date BETWEEN DATE '2024-03-01' AND DATE '2024-04-05'
    GROUP BY 1, 2
  )
SELECT
  re.analysis_id,
  re.branch,
  re.enrollment_date,
  re.num_enrollment_events,
  x.exposure_date,
  COALESCE(x.num_exposure_events, 0) AS num_exposure_events
FROM raw_enrollments re
LEFT JOIN exposures x USING (analysis_id, branch)
