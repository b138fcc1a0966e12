-- Append one version of a board story (the columns of story_versions but the id).
-- Parameters: $request_id, $story_id, $version, $action, $meeting, $meeting_date, $summary, $slides, $saved_by,
-- $saved_at, $duplicated_from, $snapshot, $data_date, $data_version.
insert into story_versions (
    request_id,
    story_id,
    version,
    action,
    meeting,
    meeting_date,
    summary,
    slides,
    saved_by,
    saved_at,
    duplicated_from,
    snapshot,
    data_date,
    data_version
)
values (
    $request_id,
    $story_id,
    $version,
    $action,
    $meeting,
    $meeting_date,
    $summary,
    $slides,
    $saved_by,
    $saved_at,
    $duplicated_from,
    $snapshot,
    $data_date,
    $data_version
)
