-- The Roadtrip page's headline counts for the matching workshops: one row.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: one row.
-- Workshops, places and reported miles follow nation, location and dates; suggestions follow those and theme.
-- workshops_with_attendees counts the workshops that recorded attendance; the attendees themselves are counts of
-- people, which the page reads protected from attendee_totals.
with chosen_workshops as (
    select
        workshop_id,
        location_id,
        nation,
        attendees,
        miles_travelled
    from chosen_workshops($nations, $location_ids, $date_from, $date_to)
),

final as (
    select
        (select count(*) from chosen_workshops) as workshops,
        (select count(distinct location_id) from chosen_workshops) as locations,
        (select count(distinct nation) from chosen_workshops) as nations,
        (
            select count(*)
            from current_suggestions() as suggestions
            inner join chosen_workshops using (workshop_id)
            where $theme_ids is null or list_contains($theme_ids, suggestions.theme_id)
        ) as suggestions,
        (select count(attendees) from chosen_workshops) as workshops_with_attendees,
        (select coalesce(sum(miles_travelled), 0) from chosen_workshops) as reported_miles
)

select * from final
