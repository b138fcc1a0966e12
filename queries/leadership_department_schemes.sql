-- Scheme applications by department and scheme, counted by how far each got: one row per department and scheme open
-- to it (zero rows kept), plus margins: department_id 'Total' sums the departments, scheme_id 'Total' the schemes.
-- An application is one member's entry to one scheme in one cohort year; its status is the furthest stage reached.
-- places = accepted + completed (a place was taken and not given up); applications = places + rejected + withdrawn
-- + awaiting (status 'applied': no decision yet). A departmental scheme is open to its own department only.
-- Parameters: $department_ids (list or NULL), $grades (list of grades or NULL), $cohort_years (list of years or NULL).
-- Key: department_id, scheme_id.
-- Example: {"cohort_years": [2023, 2024], "grades": ["G7", "G6"]}
with chosen_members as (
    select
        member_id,
        department_id
    from members
    where ($department_ids is null or list_contains($department_ids, department_id))
        and ($grades is null or list_contains($grades, grade))
),

chosen_applications as (
    select
        chosen_members.department_id,
        participation.scheme_id,
        participation.status
    from participation
    inner join chosen_members using (member_id)
    where $cohort_years is null or list_contains($cohort_years, participation.cohort_year)
),

open_pairs as (
    select
        departments.department_id,
        schemes.scheme_id
    from departments
    cross join schemes
    where ($department_ids is null or list_contains($department_ids, departments.department_id))
        and (schemes.department_id is null or schemes.department_id = departments.department_id)
),

cells as (
    select
        open_pairs.department_id,
        open_pairs.scheme_id,
        chosen_applications.status
    from open_pairs
    left join chosen_applications using (department_id, scheme_id)
),

final as (
    select
        case when grouping(department_id) = 1 then 'Total' else department_id end as department_id,
        case when grouping(scheme_id) = 1 then 'Total' else scheme_id end as scheme_id,
        count(status) as applications,
        count(*) filter (where status in ('accepted', 'completed')) as places,
        count(*) filter (where status = 'accepted') as accepted,
        count(*) filter (where status = 'completed') as completed,
        count(*) filter (where status = 'rejected') as rejected,
        count(*) filter (where status = 'withdrawn') as withdrawn,
        count(*) filter (where status = 'applied') as awaiting
    from cells
    group by cube (department_id, scheme_id)
)

select * from final
order by department_id = 'Total', department_id, scheme_id = 'Total', scheme_id
