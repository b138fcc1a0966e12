-- The human theme of the given suggestions, as a blind second coding records it (what was hidden, whose it was): one
-- row per suggestion that has one (hand-coded in the file, or a review decision that applies).
-- Parameters: $suggestion_ids (a list of suggestion ids).
-- Key: suggestion_id.
-- Example: {"suggestion_ids": ["S00001"]}
with final as (
    select
        suggestion_id,
        text_hash,
        theme_id,
        theme_source,
        coalesce(decided_by, 'import') as first_coded_by
    from current_suggestions()
    where theme_source in ('manual', 'reviewed')
        and list_contains($suggestion_ids, suggestion_id)
)

select * from final
order by suggestion_id
