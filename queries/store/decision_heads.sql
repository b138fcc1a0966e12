-- The latest decision of each of the given suggestions, with who made it: one row per suggestion that has one.
-- Used inside a write's transaction to check that nobody has decided since the writer looked.
-- Parameters: $suggestion_ids (a list of suggestion ids).
-- Key: suggestion_id.
with final as (
    select
        suggestion_id,
        decision_id,
        theme_after,
        decided_by,
        decided_at
    from theme_decisions
    where list_contains($suggestion_ids, suggestion_id)
    qualify row_number() over (partition by suggestion_id order by decision_id desc) = 1
)

select * from final
