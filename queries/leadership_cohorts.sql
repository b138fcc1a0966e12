-- Applications to the chosen scheme by cohort year, counted by how far each got: one row per cohort year that has
-- any applications (zero rows kept for the chosen departments and grades). Stages as in leadership_department_schemes.
-- Parameters: $department_ids (list or NULL), $grades (list of grades or NULL), $cohort_years (list of years or NULL),
-- $scheme_id (a scheme or NULL for all).
-- Key: cohort_year.
-- Example: {"scheme_id": "fls"}
with chosen_members as (
    select member_id
    from members
    where ($department_ids is null or list_contains($department_ids, department_id))
        and ($grades is null or list_contains($grades, grade))
),

chosen_applications as (
    select
        participation.cohort_year,
        participation.status
    from participation
    inner join chosen_members using (member_id)
    where $scheme_id is null or participation.scheme_id = $scheme_id
),

cohort_years as (
    select distinct cohort_year
    from participation
    where $cohort_years is null or list_contains($cohort_years, cohort_year)
),

final as (
    select
        cohort_years.cohort_year,
        count(chosen_applications.status) as applications,
        count(*) filter (where chosen_applications.status in ('accepted', 'completed')) as places,
        count(*) filter (where chosen_applications.status = 'accepted') as accepted,
        count(*) filter (where chosen_applications.status = 'completed') as completed,
        count(*) filter (where chosen_applications.status = 'rejected') as rejected,
        count(*) filter (where chosen_applications.status = 'withdrawn') as withdrawn,
        count(*) filter (where chosen_applications.status = 'applied') as awaiting
    from cohort_years
    left join chosen_applications using (cohort_year)
    group by cohort_years.cohort_year
)

select * from final
order by cohort_year
