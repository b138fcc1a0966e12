-- Suggestions per workshop location: one row per location that has a matching workshop, most suggestions first.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: location_id.
with chosen_workshops as (
    select
        workshop_id,
        location_id
    from chosen_workshops($nations, $location_ids, $date_from, $date_to)
),

final as (
    select
        locations.location_id,
        locations.name,
        locations.nation,
        count(suggestions.suggestion_id) as suggestions
    from chosen_workshops
    inner join locations using (location_id)
    left join current_suggestions() as suggestions
        on suggestions.workshop_id = chosen_workshops.workshop_id
        and ($theme_ids is null or list_contains($theme_ids, suggestions.theme_id))
    group by locations.location_id, locations.name, locations.nation
)

select * from final
order by suggestions desc, name
