-- How many suggestions each theme holds now (its current theme: hand-coded, reviewed or the classifier's), for the
-- taxonomy's health checks: one row per theme in the taxonomy, with every suggestion's count beside it.
-- Parameters: none.
-- Key: theme_id.
with held as (
    select
        theme_id,
        count(*) as suggestions
    from current_suggestions()
    where theme_id is not null
    group by theme_id
),

final as (
    select
        current_themes.theme_id,
        current_themes.label,
        coalesce(held.suggestions, 0) as suggestions,
        (select count(*) from current_suggestions()) as all_suggestions
    from current_themes
    left join held using (theme_id)
)

select * from final
order by label
