-- Every theme decision, oldest first, or one suggestion's when $suggestion_id is given: one row per decision.
-- Parameters: $suggestion_id (a suggestion id, or NULL for the whole log).
-- Key: decision_id.
with final as (
    select
        decision_id,
        suggestion_id,
        theme_before,
        theme_after,
        action,
        source,
        decided_by,
        decided_at,
        note,
        text_hash,
        base_theme,
        base_source,
        supersedes
    from theme_decisions
    where $suggestion_id is null or suggestion_id = $suggestion_id
)

select * from final
order by decision_id
