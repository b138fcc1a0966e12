-- Every change to the theme taxonomy, oldest first: one row per event.
-- Parameters: none.
-- Key: event_id.
with final as (
    select
        event_id,
        supersedes,
        action,
        theme_id,
        label,
        description,
        into_theme_id,
        made_by,
        made_at
    from taxonomy_events
)

select * from final
order by event_id
