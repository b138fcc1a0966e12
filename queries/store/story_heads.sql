-- The current (highest) version of each board story, with its latest approval, if any: one row per story, the most
-- recently saved first. approved_version is the version an admin approved last (NULL if none).
-- Parameters: none.
-- Key: story_id.
with latest as (
    select
        story_id,
        version_id,
        version,
        action,
        meeting,
        meeting_date,
        summary,
        slides,
        saved_by,
        saved_at
    from story_versions
    qualify row_number() over (partition by story_id order by version desc) = 1
),

approvals as (
    select
        story_id,
        version as approved_version,
        meeting as approved_for,
        saved_by as approved_by,
        saved_at as approved_at,
        data_date as approved_data_date
    from story_versions
    where action = 'approve'
    qualify row_number() over (partition by story_id order by version desc) = 1
),

final as (
    select
        latest.*,
        approvals.approved_version,
        approvals.approved_for,
        approvals.approved_by,
        approvals.approved_at,
        approvals.approved_data_date
    from latest
    left join approvals using (story_id)
)

select * from final
order by saved_at desc, story_id
