-- The story version already written for a request id (a double click sends the same id again): zero or one row.
-- Parameters: $request_id.
-- Key: request_id.
select
    request_id,
    story_id,
    version
from story_versions
where request_id = $request_id
