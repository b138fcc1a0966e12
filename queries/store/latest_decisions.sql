-- The latest theme decision of each suggestion that has one: one row per suggestion_id.
-- Parameters: none.
-- Key: suggestion_id.
with ranked as (
    select
        decision_id,
        suggestion_id,
        theme_after,
        action,
        decided_by,
        decided_at,
        text_hash,
        base_theme,
        base_source
    from theme_decisions
    qualify row_number() over (partition by suggestion_id order by decision_id desc) = 1
),

final as (
    select * from ranked
)

select * from final
order by suggestion_id
