-- The next suggestion for a blind second coding: one with a human theme (hand-coded in the file, or a review decision
-- that applies) that the coder did not make and has not coded yet, in a fixed order (an md5 hash of the id), so the
-- sample is the same for everyone and not chosen by theme. At most one row; how many are left beside it.
-- Parameters: $coder (the coder's name), $coded_ids (the suggestion ids they have coded blind).
-- Key: suggestion_id.
-- Example: {"coder": "ann@go-science.gov.uk", "coded_ids": []}
with eligible as (
    select
        suggestion_id,
        text,
        text_hash,
        theme_id,
        theme_source,
        coalesce(decided_by, 'import') as first_coded_by
    from current_suggestions()
    where theme_source in ('manual', 'reviewed')
        and coalesce(decided_by, 'import') <> $coder
        and not list_contains($coded_ids, suggestion_id)
),

final as (
    select
        *,
        count(*) over () as remaining
    from eligible
    order by md5('blind:' || suggestion_id)
    limit 1
)

select * from final
