-- Suggestions per theme, with each theme's share of all matching suggestions: one row per theme (zero rows kept).
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: theme_id.
with chosen_suggestions as (
    select theme_id
    from chosen_suggestions($theme_ids, $nations, $location_ids, $date_from, $date_to)
),

counted as (
    select
        themes.theme_id,
        themes.label,
        count(chosen_suggestions.theme_id) as suggestions
    from themes
    left join chosen_suggestions using (theme_id)
    where $theme_ids is null or list_contains($theme_ids, themes.theme_id)
    group by themes.theme_id, themes.label
),

final as (
    select
        theme_id,
        label,
        suggestions,
        coalesce(suggestions / nullif(sum(suggestions) over (), 0), 0) as share
    from counted
)

select * from final
order by suggestions desc, label
