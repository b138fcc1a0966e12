-- Append one retrain or restore of the classifier.
-- Parameters: $action, $model_version, $previous_version, $run_by, $run_at, $before_f1, $after_f1, $retagged, $changed,
-- $data_version_before, $data_version_after.
insert into classifier_runs (
    action,
    model_version,
    previous_version,
    run_by,
    run_at,
    before_f1,
    after_f1,
    retagged,
    changed,
    data_version_before,
    data_version_after
)
values (
    $action,
    $model_version,
    $previous_version,
    $run_by,
    $run_at,
    $before_f1,
    $after_f1,
    $retagged,
    $changed,
    $data_version_before,
    $data_version_after
)
