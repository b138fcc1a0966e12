-- Identified contributors (members named on at least one suggestion) beside the whole profession, by grade and by
-- department, with each category's share of its breakdown: one row per breakdown and category (every grade kept).
-- Departments beyond the $top_departments largest (by members) are added up into one category '_other'.
-- Parameters: $top_departments (integer or NULL: all departments). The whole profession against the whole tour.
-- Key: breakdown, category.
-- Example: {"top_departments": 1}
-- Counts of people: pages read it through data.protected, with `members` and `contributors` as the counts.
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
ranked_departments as (
    select
        departments.department_id,
        departments.name,
        count(*) as members,
        count(*) filter (where flagged_members.is_contributor) as contributors,
        row_number() over (order by count(*) desc, departments.name) as department_rank,
        count(*) over () as department_count
    from flagged_members
    inner join departments using (department_id)
    group by departments.department_id, departments.name
),
grouped_departments as (
    select
        *,
        $top_departments is null
        or department_rank <= $top_departments
        or department_count <= $top_departments + 1 as is_shown
    from ranked_departments
),
by_department as (
    select
        'department' as breakdown,
        case when is_shown then department_id else '_other' end as category,
        case when is_shown then max(name) else 'Other departments (' || count(*) || ')' end as label,
        cast(min(department_rank) as integer) as sort_order,
        cast(sum(members) as bigint) as members,
        cast(sum(contributors) as bigint) as contributors
    from grouped_departments
    group by is_shown, case when is_shown then department_id else '_other' end
),
combined as (
    select * from by_grade
    union all by name
    select * from by_department
),
final as (
    select
        breakdown,
        category,
        label,
        sort_order,
        members,
        coalesce(members / nullif(sum(members) over (partition by breakdown), 0), 0) as member_share,
        contributors,
        coalesce(contributors / nullif(sum(contributors) over (partition by breakdown), 0), 0) as contributor_share
    from combined
)
select * from final
order by breakdown, sort_order, label
