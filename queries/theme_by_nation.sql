-- Suggestions per nation (of the workshop) and theme, with each theme's share of the nation's suggestions: one row per
-- nation that has a matching workshop and per theme (zero counts kept).
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: nation, theme_id.
with chosen_workshops as (
    select
        workshop_id,
        nation
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
        chosen_workshops.nation,
        suggestions.theme_id
    from current_suggestions() as suggestions
    inner join chosen_workshops using (workshop_id)
    inner join chosen_themes using (theme_id)
),

grid as (
    select distinct
        chosen_workshops.nation,
        chosen_themes.theme_id,
        chosen_themes.label
    from chosen_workshops
    cross join chosen_themes
),

counted as (
    select
        grid.nation,
        grid.theme_id,
        grid.label,
        count(chosen_suggestions.theme_id) as suggestions
    from grid
    left join chosen_suggestions
        on chosen_suggestions.nation = grid.nation
        and chosen_suggestions.theme_id = grid.theme_id
    group by grid.nation, grid.theme_id, grid.label
),

final as (
    select
        nation,
        theme_id,
        label,
        suggestions,
        coalesce(suggestions / nullif(sum(suggestions) over (partition by nation), 0), 0) as share
    from counted
)

select * from final
order by nation, label
