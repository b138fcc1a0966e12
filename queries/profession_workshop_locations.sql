-- Workshop locations for the Profession map: one row per location with a workshop, with its ITL1 region.
-- Parameters: $nations (list or NULL).
-- Key: location_id.
-- workshops_without_attendance counts the workshops that recorded no attendance. Attendees are not here: the page takes
-- each location's from attendee_totals, protected once for every page.
with located_workshops as (
    select
        workshop_id,
        attendees,
        location_id,
        location as name,
        nation,
        region,
        latitude,
        longitude
    from chosen_workshops($nations, null, null, null)
),
suggestions_by_workshop as (
    select
        workshop_id,
        count(*) as suggestions
    from suggestions
    group by workshop_id
),
final as (
    select
        located_workshops.location_id,
        located_workshops.name,
        located_workshops.nation,
        located_workshops.region,
        located_workshops.latitude,
        located_workshops.longitude,
        count(*) as workshops,
        count(*) filter (where located_workshops.attendees is null) as workshops_without_attendance,
        cast(coalesce(sum(suggestions_by_workshop.suggestions), 0) as bigint) as suggestions
    from located_workshops
    left join suggestions_by_workshop using (workshop_id)
    group by
        located_workshops.location_id,
        located_workshops.name,
        located_workshops.nation,
        located_workshops.region,
        located_workshops.latitude,
        located_workshops.longitude
)
select * from final
order by suggestions desc, name
