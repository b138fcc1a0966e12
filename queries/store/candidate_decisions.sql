-- Every decision on an emerging theme, oldest first: one row per decision.
-- Parameters: none.
-- Key: candidate_decision_id.
with final as (
    select
        candidate_decision_id,
        action,
        theme_id,
        top_terms,
        suggestion_ids,
        decided_by,
        decided_at
    from candidate_decisions
)

select * from final
order by candidate_decision_id
