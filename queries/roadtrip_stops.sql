-- The tour's workshops in date order, each with its stop number on the whole tour: one row per matching workshop.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: workshop_id.
-- Stop numbers count the whole tour, so a stop keeps its number whatever the filters. Workshops follow nation,
-- location and dates; suggestions and the top theme follow those and theme. Attendees are counts of people: the page
-- reads them protected from attendee_totals.
with numbered_workshops as (
    select
        workshop_id,
        row_number() over (order by held_on, workshop_id) as stop
    from workshops
),

chosen_workshops as (
    select
        matching.*,
        numbered_workshops.stop
    from chosen_workshops($nations, $location_ids, $date_from, $date_to) as matching
    inner join numbered_workshops using (workshop_id)
),

chosen_suggestions as (
    select
        suggestions.workshop_id,
        suggestions.theme_id
    from current_suggestions() as suggestions
    inner join chosen_workshops using (workshop_id)
    where $theme_ids is null or list_contains($theme_ids, suggestions.theme_id)
),

theme_ranks as (
    select
        chosen_suggestions.workshop_id,
        current_themes.label,
        row_number() over (
            partition by chosen_suggestions.workshop_id
            order by count(*) desc, current_themes.label
        ) as theme_rank
    from chosen_suggestions
    inner join current_themes using (theme_id)
    group by chosen_suggestions.workshop_id, current_themes.label
),

suggestion_counts as (
    select
        workshop_id,
        count(*) as suggestions
    from chosen_suggestions
    group by workshop_id
),

final as (
    select
        chosen_workshops.stop,
        chosen_workshops.workshop_id,
        chosen_workshops.held_on,
        chosen_workshops.location_id,
        chosen_workshops.location,
        chosen_workshops.nation,
        chosen_workshops.region,
        chosen_workshops.latitude,
        chosen_workshops.longitude,
        chosen_workshops.venue,
        chosen_workshops.host,
        chosen_workshops.miles_travelled,
        coalesce(suggestion_counts.suggestions, 0) as suggestions,
        theme_ranks.label as top_theme
    from chosen_workshops
    left join suggestion_counts using (workshop_id)
    left join theme_ranks
        on theme_ranks.workshop_id = chosen_workshops.workshop_id
        and theme_ranks.theme_rank = 1
)

select * from final
order by stop
