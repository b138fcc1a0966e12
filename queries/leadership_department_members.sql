-- GSE members per department at the chosen grades, the denominators of participation rates: one row per chosen
-- department (zero rows kept), plus a row whose department_id is 'Total' holding the sum.
-- Parameters: $department_ids (list or NULL), $grades (list of grades or NULL).
-- Key: department_id.
-- Example: {"grades": ["G7", "G6"]}
with chosen_departments as (
    select department_id
    from departments
    where $department_ids is null or list_contains($department_ids, department_id)
),

chosen_members as (
    select
        member_id,
        department_id
    from members
    where $grades is null or list_contains($grades, grade)
),

final as (
    select
        case when grouping(chosen_departments.department_id) = 1 then 'Total'
            else chosen_departments.department_id end as department_id,
        count(chosen_members.member_id) as members
    from chosen_departments
    left join chosen_members using (department_id)
    group by grouping sets ((chosen_departments.department_id), ())
)

select * from final
order by department_id = 'Total', department_id
