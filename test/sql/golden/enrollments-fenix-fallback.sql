WITH raw_enrollments AS (
    SELECT
      b.client_info.client_id AS analysis_id,
      mozfun.map.get_key(b.ping_info.experiments, 'my-experiment').branch AS branch,
      DATE(MIN(b.submission_timestamp)) AS enrollment_date,
      COUNT(b.submission_timestamp) AS num_enrollment_events
    FROM `moz-fx-data-shared-prod.org_mozilla_firefox.baseline` b
    WHERE b.client_info.client_id IS NOT NULL
      AND DATE(b.submission_timestamp) BETWEEN DATE '2024-02-23' AND DATE '2024-03-08'
      AND mozfun.map.get_key(b.ping_info.experiments, 'my-experiment').branch IS NOT NULL
      AND b.sample_id < 10
    GROUP BY 1, 2
    HAVING DATE(MIN(b.submission_timestamp)) >= DATE '2024-03-01'
  ),
  exposures AS (
    SELECT
      re.analysis_id,
      re.branch,
      MIN(DATE(x.submission_timestamp)) AS exposure_date,
      COUNT(DATE(x.submission_timestamp)) AS num_exposure_events
    FROM raw_enrollments re
    JOIN `moz-fx-data-shared-prod.org_mozilla_firefox.events_stream` x
      ON x.client_id = re.analysis_id
      AND JSON_VALUE(x.event_extra, '$.branch') = re.branch
      AND DATE(x.submission_timestamp) >= re.enrollment_date
    WHERE x.event_category = 'nimbus_events'
      AND x.event_name IN ('exposure', 'expose')
      AND JSON_VALUE(x.event_extra, '$.experiment') = 'my-experiment'
      AND DATE(x.submission_timestamp) BETWEEN DATE '2024-03-01' AND DATE '2024-04-05'
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
