-- Suggestions per workshop location and theme, with each theme's share of the location's suggestions: one row per
-- location that has a matching workshop and per theme (zero counts kept, so the heatmap has no holes).
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: location_id, theme_id.
with chosen_workshops as (
    select
        workshop_id,
        location_id
    from chosen_workshops($nations, $location_ids, $date_from, $date_to)
),

chosen_themes as (
    select
        theme_id,
        label
    from current_themes
    where $theme_ids is null or list_contains($theme_ids, theme_id)
),

chosen_suggestions as (
    select
        chosen_workshops.location_id,
        suggestions.theme_id
    from current_suggestions() as suggestions
    inner join chosen_workshops using (workshop_id)
    inner join chosen_themes using (theme_id)
),

grid as (
    select distinct
        locations.location_id,
        locations.name,
        locations.nation,
        chosen_themes.theme_id,
        chosen_themes.label
    from chosen_workshops
    inner join locations using (location_id)
    cross join chosen_themes
),

counted as (
    select
        grid.location_id,
        grid.name,
        grid.nation,
        grid.theme_id,
        grid.label,
        count(chosen_suggestions.theme_id) as suggestions
    from grid
    left join chosen_suggestions
        on chosen_suggestions.location_id = grid.location_id
        and chosen_suggestions.theme_id = grid.theme_id
    group by grid.location_id, grid.name, grid.nation, grid.theme_id, grid.label
),

final as (
    select
        location_id,
        name,
        nation,
        theme_id,
        label,
        suggestions,
        coalesce(suggestions / nullif(sum(suggestions) over (partition by location_id), 0), 0) as share
    from counted
)

select * from final
order by nation, name, label
