-- What a retrain learns from: every suggestion whose current theme a person chose, hand-coded in the file or a review
-- decision that applies (not "none of these", nor a theme the team added), with where it came from. One row per suggestion.
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
        -- The classifier learns the data's own themes: a theme the team added is coded by reviewers (its few examples
        -- would be a class the model barely knows, and the database's tags may only name the data's themes).
        and theme_id in (select theme_id from gse.themes)
)

select * from final
order by suggestion_id
