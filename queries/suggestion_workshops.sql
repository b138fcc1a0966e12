-- Workshops for the suggestion explorer's picker: one row per workshop, in date order, with its suggestion count.
-- Parameters: none.
-- Key: workshop_id.
with counted as (
    select
        workshop_id,
        count(*) as suggestions
    from suggestions
    group by workshop_id
),

final as (
    select
        workshops.workshop_id,
        workshops.held_on,
        locations.name as location,
        workshops.venue,
        coalesce(counted.suggestions, 0) as suggestions
    from workshops
    inner join locations using (location_id)
    left join counted using (workshop_id)
)

select * from final
order by held_on, workshop_id
