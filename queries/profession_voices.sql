-- Voices coverage: each region's share of members beside its share of suggestions and its workshops, one row per ITL1
-- region or nation (all 12, zero rows kept), by region order.
-- Parameters: none (the whole profession against the whole tour: most suggestions name no member, so member filters
-- cannot be applied to them).
-- Key: region.
-- A workshop counts for the region it was held in; `workshops_without_attendance` says how many recorded no
-- attendance. Attendees are not here: the page takes each region's from attendee_totals, protected once for every page.
-- Counts of people: pages read it through data.protected, with `members` as the count.
-- representation_ratio = suggestion_share / member_share; 0 when the region gave no suggestions, NULL when it has
-- suggestions but no members.
with regions as (
    select * from itl1_regions()
),
members_by_region as (
    select
        region,
        count(*) as members
    from members
    group by region
),
workshops_by_region as (
    select
        locations.region,
        count(*) as workshops,
        count(*) filter (where workshops.attendees is null) as workshops_without_attendance
    from workshops
    inner join locations using (location_id)
    group by locations.region
),
suggestions_by_region as (
    select
        locations.region,
        count(*) as suggestions,
        count(suggestions.member_id) as identified_suggestions
    from suggestions
    inner join workshops using (workshop_id)
    inner join locations using (location_id)
    group by locations.region
),
counted as (
    select
        regions.region,
        regions.nation,
        regions.sort_order,
        coalesce(members_by_region.members, 0) as members,
        coalesce(workshops_by_region.workshops, 0) as workshops,
        coalesce(workshops_by_region.workshops_without_attendance, 0) as workshops_without_attendance,
        coalesce(suggestions_by_region.suggestions, 0) as suggestions,
        coalesce(suggestions_by_region.identified_suggestions, 0) as identified_suggestions
    from regions
    left join members_by_region using (region)
    left join workshops_by_region using (region)
    left join suggestions_by_region using (region)
),
shares as (
    select
        *,
        coalesce(members / nullif(sum(members) over (), 0), 0) as member_share,
        coalesce(suggestions / nullif(sum(suggestions) over (), 0), 0) as suggestion_share
    from counted
),
final as (
    select
        region,
        nation,
        members,
        member_share,
        workshops,
        workshops_without_attendance,
        suggestions,
        identified_suggestions,
        suggestion_share,
        case
            when suggestions = 0 then 0
            else suggestion_share / nullif(member_share, 0)
        end as representation_ratio,
        sort_order
    from shares
)
select * from final
order by sort_order
