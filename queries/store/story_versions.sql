-- Every saved version of one board story, or of all of them, newest first: the story's history (who saved, approved
-- or duplicated it, and when). The snapshot itself is left out; story_version.sql reads one.
-- Parameters: $story_id (NULL for every story).
-- Key: version_id.
with final as (
    select
        version_id,
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
        data_date,
        data_version
    from story_versions
    where $story_id is null or story_id = $story_id
)

select * from final
order by story_id, version desc
