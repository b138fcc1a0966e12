-- Applications to the chosen scheme by the furthest stage reached: one row. Stages as in leadership_department_schemes:
-- applications = places + rejected + withdrawn + awaiting, places = accepted + completed.
-- Parameters: $department_ids (list or NULL), $grades (list of grades or NULL), $cohort_years (list of years or NULL),
-- $scheme_id (a scheme or NULL for all).
-- Key: one row.
-- Example: {"scheme_id": "fls"}
with chosen_members as (
    select member_id
    from members
    where ($department_ids is null or list_contains($department_ids, department_id))
        and ($grades is null or list_contains($grades, grade))
),

chosen_applications as (
    select participation.status
    from participation
    inner join chosen_members using (member_id)
    where ($scheme_id is null or participation.scheme_id = $scheme_id)
        and ($cohort_years is null or list_contains($cohort_years, participation.cohort_year))
),

final as (
    select
        count(*) as applications,
        count(*) filter (where status in ('accepted', 'completed')) as places,
        count(*) filter (where status = 'accepted') as accepted,
        count(*) filter (where status = 'completed') as completed,
        count(*) filter (where status = 'rejected') as rejected,
        count(*) filter (where status = 'withdrawn') as withdrawn,
        count(*) filter (where status = 'applied') as awaiting
    from chosen_applications
)

select * from final
