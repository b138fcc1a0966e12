-- Suggestions per workshop location: one row per location that has a matching workshop, most suggestions first.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: location_id.
with chosen_workshops as (
    select
        workshops.workshop_id,
        workshops.location_id
    from workshops
    inner join locations using (location_id)
    where ($nations is null or list_contains($nations, locations.nation))
        and ($location_ids is null or list_contains($location_ids, workshops.location_id))
        and ($date_from is null or workshops.held_on >= $date_from)
        and ($date_to is null or workshops.held_on <= $date_to)
),

final as (
    select
        locations.location_id,
        locations.name,
        locations.nation,
        count(suggestions.suggestion_id) as suggestions
    from chosen_workshops
    inner join locations using (location_id)
    left join suggestions
        on suggestions.workshop_id = chosen_workshops.workshop_id
        and ($theme_ids is null or list_contains($theme_ids, suggestions.theme_id))
    group by locations.location_id, locations.name, locations.nation
)

select * from final
order by suggestions desc, name
