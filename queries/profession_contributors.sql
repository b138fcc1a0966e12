-- Identified contributors (members named on at least one suggestion) beside the whole profession, by grade and by
-- department: one row per breakdown and category (every grade and every department with members kept).
-- Parameters: none (the whole profession against the whole tour).
-- Key: breakdown, category.
-- Counts of people: the page applies disclosure control to `members` and `contributors`.
with grades as (
    select *
    from (values
        ('AA', 1), ('AO', 2), ('EO', 3), ('HEO', 4), ('SEO', 5), ('G7', 6), ('G6', 7), ('SCS', 8)
    ) as grades (grade, sort_order)
),
contributors as (
    select distinct member_id
    from suggestions
    where member_id is not null
),
flagged_members as (
    select
        members.member_id,
        members.grade,
        members.department_id,
        contributors.member_id is not null as is_contributor
    from members
    left join contributors using (member_id)
),
by_grade as (
    select
        'grade' as breakdown,
        grades.grade as category,
        grades.grade as label,
        grades.sort_order,
        count(flagged_members.member_id) as members,
        count(flagged_members.member_id) filter (where flagged_members.is_contributor) as contributors
    from grades
    left join flagged_members using (grade)
    group by grades.grade, grades.sort_order
),
by_department as (
    select
        'department' as breakdown,
        departments.department_id as category,
        departments.name as label,
        cast(null as integer) as sort_order,
        count(*) as members,
        count(*) filter (where flagged_members.is_contributor) as contributors
    from flagged_members
    inner join departments using (department_id)
    group by departments.department_id, departments.name
),
final as (
    select * from by_grade
    union all by name
    select * from by_department
)
select * from final
order by breakdown, sort_order, members desc, label
