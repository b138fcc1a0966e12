-- The Overview's headline counts: one row.
-- Parameters: $theme_ids, $nations, $location_ids, $department_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: one row.
-- Members, participants and applicants follow department and nation (the member's region); workshops, locations and
-- miles follow nation, location and dates; suggestions follow those and theme. Words as in dashboard/glossary.py:
-- participants are applications accepted or completed (as on the Leadership page); applicants are distinct members
-- with an application at any stage.
with chosen_members as (
    select
        member_id,
        department_id
    from members
    where ($department_ids is null or list_contains($department_ids, department_id))
        and ($nations is null or list_contains($nations, region_nation(region)))
),

chosen_workshops as (
    select
        workshop_id,
        location_id,
        miles_travelled
    from chosen_workshops($nations, $location_ids, $date_from, $date_to)
),

chosen_suggestions as (
    select suggestions.suggestion_id
    from current_suggestions() as suggestions
    inner join chosen_workshops using (workshop_id)
    where $theme_ids is null or list_contains($theme_ids, suggestions.theme_id)
),

final as (
    select
        (select count(*) from chosen_members) as members,
        (select count(distinct department_id) from chosen_members) as departments,
        (select count(*) from chosen_workshops) as workshops,
        (select count(distinct location_id) from chosen_workshops) as locations,
        (select count(*) from chosen_suggestions) as suggestions,
        (select coalesce(sum(miles_travelled), 0) from chosen_workshops) as miles_travelled,
        (
            select count(*)
            from participation
            inner join chosen_members using (member_id)
            where participation.status in ('accepted', 'completed')
        ) as participants,
        (
            select count(distinct participation.member_id)
            from participation
            inner join chosen_members using (member_id)
        ) as scheme_applicants
)

select * from final
