-- Workshop attendees over the whole tour, at every level the pages show: one row per workshop, one per location
-- total, one per region total and one grand total (a rolled-up key is written 'Total', the disclosure total marker).
-- Parameters: none (attendees are protected once, over every workshop, so that no page's filters can undo a blank).
-- Key: region, location_id, workshop_id.
-- Counts of people: pages read it through attendees.protected_totals (data.protected with attendees.PROTECTION).
-- `attendees` adds up the workshops that recorded attendance; it is NULL where none did (a workshop, location or
-- region whose 0 is structural, left out of every sum). `workshops` and `recorded_workshops` count workshops, not
-- people. Region and location ids can never be spelt 'Total' (see schema.sql); a workshop id spelt so would make
-- disclosure.suppress stop with an error rather than mistake it for a total.
with located_workshops as (
    select
        locations.region,
        workshops.location_id,
        workshops.workshop_id,
        workshops.attendees
    from workshops
    inner join locations using (location_id)
),

final as (
    select
        case when grouping(region) = 1 then 'Total' else region end as region,
        case when grouping(location_id) = 1 then 'Total' else location_id end as location_id,
        case when grouping(workshop_id) = 1 then 'Total' else workshop_id end as workshop_id,
        count(*) as workshops,
        count(attendees) as recorded_workshops,
        cast(sum(attendees) as bigint) as attendees
    from located_workshops
    group by rollup (region, location_id, workshop_id)
)

select * from final
order by region = 'Total', region, location_id = 'Total', location_id, workshop_id = 'Total', workshop_id
