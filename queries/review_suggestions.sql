-- The current state of the given suggestions, as a decision about them must see it: one row per suggestion found.
-- Parameters: $suggestion_ids (a list of suggestion ids).
-- Key: suggestion_id.
-- Example: {"suggestion_ids": ["S00001"]}
with final as (
    select
        suggestion_id,
        text,
        text_hash,
        theme_id,
        theme_source,
        confidence,
        model_version,
        tagged_theme_id,
        tagged_source,
        coalesce(decision_id, 0) as decision_id,
        review_state
    from current_suggestions()
    where list_contains($suggestion_ids, suggestion_id)
)

select * from final
order by suggestion_id
