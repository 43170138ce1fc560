WITH raw_enrollments AS (
    SELECT
      e.`client_id` AS analysis_id,
      mozfun.map.get_key(e.event_map_values, 'branch') AS branch,
      MIN(e.submission_date) AS enrollment_date,
      COUNT(e.submission_date) AS num_enrollment_events
    FROM `moz-fx-data-shared-prod.telemetry.events` e
    WHERE e.event_category = 'normandy'
      AND e.event_method = 'enroll'
      AND e.event_string_value = 'my-experiment'
      AND e.submission_date BETWEEN DATE '2024-03-01' AND DATE '2024-03-08'
      AND e.sample_id < 10
    GROUP BY 1, 2
  ),
  exposures AS (
    SELECT
      re.analysis_id,
      re.branch,
      MIN(s.submission_date) AS exposure_date,
      COUNT(s.submission_date) AS num_exposure_events
    FROM raw_enrollments re
    JOIN (
      SELECT ds.`client_id` AS analysis_id, ds.`submission_date` AS submission_date
      FROM mozdata.firefox_desktop.urlbar_events ds
      WHERE ds.`submission_date` BETWEEN DATE '2024-03-01' AND DATE '2024-04-04'
        AND (num_chars_typed >= 5)
    ) s
      ON s.analysis_id = re.analysis_id
      AND s.submission_date >= re.enrollment_date
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
