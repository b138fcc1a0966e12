-- The places the tour visited, for the map: one row per location with a matching workshop, in order of first visit.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: location_id.
-- Stop numbers count the whole tour; suggestions and the top theme follow the theme filter as well. Attendees are
-- counts of people: the page reads them protected from attendee_totals.
with numbered_workshops as (
    select
        workshops.*,
        row_number() over (order by workshops.held_on, workshops.workshop_id) as stop
    from workshops
),

chosen_workshops as (
    select numbered_workshops.*
    from numbered_workshops
    where workshop_id in (select workshop_id from chosen_workshops($nations, $location_ids, $date_from, $date_to))
),

visits as (
    select
        location_id,
        count(*) as workshops,
        min(stop) as first_stop,
        string_agg(stop::varchar, ', ' order by stop) as stops,
        string_agg(strftime(held_on, '%-d %b %Y'), ', ' order by stop) as dates,
        string_agg(venue, '; ' order by stop) as venues,
        string_agg(host, '; ' order by stop) as hosts,
        sum(miles_travelled) as miles_travelled
    from chosen_workshops
    group by location_id
),

chosen_suggestions as (
    select
        chosen_workshops.location_id,
        suggestions.theme_id
    from current_suggestions() as suggestions
    inner join chosen_workshops using (workshop_id)
    where $theme_ids is null or list_contains($theme_ids, suggestions.theme_id)
),

suggestion_counts as (
    select
        location_id,
        count(*) as suggestions
    from chosen_suggestions
    group by location_id
),

theme_ranks as (
    select
        chosen_suggestions.location_id,
        current_themes.label,
        row_number() over (
            partition by chosen_suggestions.location_id
            order by count(*) desc, current_themes.label
        ) as theme_rank
    from chosen_suggestions
    inner join current_themes using (theme_id)
    group by chosen_suggestions.location_id, current_themes.label
),

final as (
    select
        locations.location_id,
        locations.name,
        locations.nation,
        locations.region,
        locations.latitude,
        locations.longitude,
        visits.workshops,
        visits.first_stop,
        visits.stops,
        visits.dates,
        visits.venues,
        visits.hosts,
        visits.miles_travelled,
        coalesce(suggestion_counts.suggestions, 0) as suggestions,
        theme_ranks.label as top_theme
    from visits
    inner join locations using (location_id)
    left join suggestion_counts using (location_id)
    left join theme_ranks
        on theme_ranks.location_id = visits.location_id
        and theme_ranks.theme_rank = 1
)

select * from final
order by first_stop
