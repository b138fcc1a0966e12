-- Suggestions per theme, with each theme's share of all matching suggestions: one row per theme (zero rows kept).
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: theme_id.
with chosen_suggestions as (
    select suggestions.theme_id
    from suggestions
    inner join workshops using (workshop_id)
    inner join locations using (location_id)
    where ($nations is null or list_contains($nations, locations.nation))
        and ($location_ids is null or list_contains($location_ids, workshops.location_id))
        and ($date_from is null or workshops.held_on >= $date_from)
        and ($date_to is null or workshops.held_on <= $date_to)
        and ($theme_ids is null or list_contains($theme_ids, suggestions.theme_id))
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
