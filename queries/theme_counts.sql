-- Suggestions per theme, with each theme's share of all matching suggestions and how many of them are coded by hand,
-- reviewed, or unreviewed classifier tags: one row per theme (zero rows kept). Unthemed suggestions are not counted.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: theme_id.
with chosen_suggestions as (
    select
        theme_id,
        theme_source
    from chosen_suggestions($theme_ids, $nations, $location_ids, $date_from, $date_to)
),

counted as (
    select
        current_themes.theme_id,
        current_themes.label,
        count(chosen_suggestions.theme_id) as suggestions,
        count(*) filter (where chosen_suggestions.theme_source = 'manual') as by_hand,
        count(*) filter (where chosen_suggestions.theme_source = 'reviewed') as reviewed,
        count(*) filter (where chosen_suggestions.theme_source = 'auto') as unreviewed
    from current_themes
    left join chosen_suggestions using (theme_id)
    where $theme_ids is null or list_contains($theme_ids, current_themes.theme_id)
    group by current_themes.theme_id, current_themes.label
),

final as (
    select
        theme_id,
        label,
        suggestions,
        by_hand,
        reviewed,
        unreviewed,
        coalesce(suggestions / nullif(sum(suggestions) over (), 0), 0) as share
    from counted
)

select * from final
order by suggestions desc, label
