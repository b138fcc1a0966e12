-- One saved version of a board story, with its snapshot (NULL unless it is an approval): zero or one row.
-- Parameters: $story_id, $version.
-- Key: version_id.
select
    version_id,
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
from story_versions
where story_id = $story_id and version = $version
