-- Members, applications and places for the chosen scheme, London against the rest of the UK (by where the member
-- works): two rows, London first (zero rows kept). places = applications accepted or completed.
-- Parameters: $department_ids (list or NULL), $grades (list of grades or NULL), $cohort_years (list of years or NULL),
-- $scheme_id (a scheme or NULL for all).
-- Key: area.
-- Example: {"scheme_id": "fls"}
with areas as (
    select *
    from (values ('London'), ('Rest of the UK')) as areas (area)
),

chosen_members as (
    select
        member_id,
        case when region = 'London' then 'London' else 'Rest of the UK' end as area
    from members
    where ($department_ids is null or list_contains($department_ids, department_id))
        and ($grades is null or list_contains($grades, grade))
),

chosen_applications as (
    select
        chosen_members.area,
        participation.status
    from participation
    inner join chosen_members using (member_id)
    where ($scheme_id is null or participation.scheme_id = $scheme_id)
        and ($cohort_years is null or list_contains($cohort_years, participation.cohort_year))
),

member_counts as (
    select
        area,
        count(*) as members
    from chosen_members
    group by area
),

application_counts as (
    select
        area,
        count(*) as applications,
        count(*) filter (where status in ('accepted', 'completed')) as places
    from chosen_applications
    group by area
),

final as (
    select
        areas.area,
        coalesce(member_counts.members, 0) as members,
        coalesce(application_counts.applications, 0) as applications,
        coalesce(application_counts.places, 0) as places
    from areas
    left join member_counts using (area)
    left join application_counts using (area)
)

select * from final
order by area
