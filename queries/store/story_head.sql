-- The highest version of one board story, with who saved it and when: zero or one row. Used inside a write's
-- transaction to check that nobody has saved the story since the editor opened it.
-- Parameters: $story_id.
-- Key: story_id.
select
    story_id,
    version,
    action,
    saved_by,
    saved_at
from story_versions
where story_id = $story_id
order by version desc
limit 1
