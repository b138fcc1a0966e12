-- Members, applications and places for the chosen scheme by grade: one row per chosen grade, most junior first
-- (seniority 1 = AA to 8 = SCS; zero rows kept). places = applications accepted or completed.
-- Parameters: $department_ids (list or NULL), $grades (list of grades or NULL), $cohort_years (list of years or NULL),
-- $scheme_id (a scheme or NULL for all).
-- Key: grade.
-- Example: {"scheme_id": "fls", "cohort_years": [2023, 2024]}
with grade_order as (
    select *
    from (
        values ('AA', 1), ('AO', 2), ('EO', 3), ('HEO', 4), ('SEO', 5), ('G7', 6), ('G6', 7), ('SCS', 8)
    ) as grade_order (grade, seniority)
    where $grades is null or list_contains($grades, grade)
),

chosen_members as (
    select
        member_id,
        grade
    from members
    where ($department_ids is null or list_contains($department_ids, department_id))
        and ($grades is null or list_contains($grades, grade))
),

chosen_applications as (
    select
        chosen_members.grade,
        participation.status
    from participation
    inner join chosen_members using (member_id)
    where ($scheme_id is null or participation.scheme_id = $scheme_id)
        and ($cohort_years is null or list_contains($cohort_years, participation.cohort_year))
),

member_counts as (
    select
        grade,
        count(*) as members
    from chosen_members
    group by grade
),

application_counts as (
    select
        grade,
        count(*) as applications,
        count(*) filter (where status in ('accepted', 'completed')) as places
    from chosen_applications
    group by grade
),

final as (
    select
        grade_order.grade,
        grade_order.seniority,
        coalesce(member_counts.members, 0) as members,
        coalesce(application_counts.applications, 0) as applications,
        coalesce(application_counts.places, 0) as places
    from grade_order
    left join member_counts using (grade)
    left join application_counts using (grade)
)

select * from final
order by seniority
