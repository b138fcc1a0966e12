-- What a retrain learns from: every suggestion whose current theme a person chose, hand-coded in the file or a review
-- decision that applies (not "none of these"), with where it came from. One row per suggestion.
-- Parameters: none.
-- Key: suggestion_id.
with final as (
    select
        suggestion_id,
        text,
        theme_id,
        theme_source as origin
    from current_suggestions()
    where theme_source in ('manual', 'reviewed')
        and theme_id is not null
)

select * from final
order by suggestion_id
