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
      MIN(x.submission_date) AS exposure_date,
      COUNT(x.submission_date) AS num_exposure_events
    FROM raw_enrollments re
    JOIN `moz-fx-data-shared-prod.telemetry.events` x
      ON x.`client_id` = re.analysis_id
      AND mozfun.map.get_key(x.event_map_values, 'branchSlug') = re.branch
      AND x.submission_date >= re.enrollment_date
    WHERE x.event_category = 'normandy'
      AND x.event_method IN ('exposure', 'expose')
      AND x.event_string_value = 'my-experiment'
      AND x.submission_date BETWEEN DATE '2024-03-01' AND DATE '2024-04-05'
    GROUP BY 1, 2
  ),
  `segment_new_or_resurrected` AS (
    SELECT re.analysis_id, re.branch, COALESCE(LOGICAL_OR(COALESCE(days_since_seen, 28) >= 28), FALSE) AS `new_or_resurrected`
    FROM raw_enrollments re
    LEFT JOIN mozdata.telemetry.clients_last_seen ds
      ON ds.`client_id` = re.analysis_id
      AND ds.`submission_date` BETWEEN DATE_ADD(re.enrollment_date, INTERVAL 0 DAY)
        AND DATE_ADD(re.enrollment_date, INTERVAL 0 DAY)
    GROUP BY 1, 2
  )
SELECT
  re.analysis_id,
  re.branch,
  re.enrollment_date,
  re.num_enrollment_events,
  COALESCE(`segment_new_or_resurrected`.`new_or_resurrected`, FALSE) AS `new_or_resurrected`,
  x.exposure_date,
  COALESCE(x.num_exposure_events, 0) AS num_exposure_events
FROM raw_enrollments re
LEFT JOIN exposures x USING (analysis_id, branch)
LEFT JOIN `segment_new_or_resurrected` USING (analysis_id, branch)
