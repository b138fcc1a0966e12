-- Members by department, grade, background and region, with each category's share of its breakdown: one row per
-- breakdown and category. Grades, backgrounds and regions keep their zero rows, within the chosen grades, backgrounds
-- and nations; departments with no matching member are left out. Departments beyond the $top_departments largest are
-- added up into one category '_other' labelled 'Other departments (n)' (unless that would hold a single department).
-- Parameters: $department_ids, $nations, $grades, $backgrounds (lists or NULL), $top_departments (integer or NULL: all).
-- Key: breakdown, category.
-- Example: {"grades": ["HEO", "SEO", "G7"], "backgrounds": ["science", "both"], "top_departments": 1}
-- Counts of people: pages read it through data.protected, with `members` as the count.
with grades as (
    select *
    from (values
        ('AA', 1), ('AO', 2), ('EO', 3), ('HEO', 4), ('SEO', 5), ('G7', 6), ('G6', 7), ('SCS', 8)
    ) as grades (grade, sort_order)
),
backgrounds as (
    select *
    from (values
        ('science', 'Science', 1), ('engineering', 'Engineering', 2), ('both', 'Both', 3), ('interest', 'Interest', 4)
    ) as backgrounds (background, label, sort_order)
),
regions as (
    select * from itl1_regions()
),
chosen_members as (
    select
        members.member_id,
        members.department_id,
        members.grade,
        members.background,
        members.region
    from members
    inner join regions using (region)
    where ($department_ids is null or list_contains($department_ids, members.department_id))
        and ($nations is null or list_contains($nations, regions.nation))
        and ($grades is null or list_contains($grades, members.grade))
        and ($backgrounds is null or list_contains($backgrounds, members.background))
),
ranked_departments as (
    select
        departments.department_id,
        departments.name,
        count(*) as members,
        row_number() over (order by count(*) desc, departments.name) as department_rank,
        count(*) over () as department_count
    from chosen_members
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
        cast(null as varchar) as nation,
        cast(min(department_rank) as integer) as sort_order,
        cast(sum(members) as bigint) as members
    from grouped_departments
    group by is_shown, case when is_shown then department_id else '_other' end
),
by_grade as (
    select
        'grade' as breakdown,
        grades.grade as category,
        grades.grade as label,
        cast(null as varchar) as nation,
        grades.sort_order,
        count(chosen_members.member_id) as members
    from grades
    left join chosen_members using (grade)
    where $grades is null or list_contains($grades, grades.grade)
    group by grades.grade, grades.sort_order
),
by_background as (
    select
        'background' as breakdown,
        backgrounds.background as category,
        backgrounds.label,
        cast(null as varchar) as nation,
        backgrounds.sort_order,
        count(chosen_members.member_id) as members
    from backgrounds
    left join chosen_members using (background)
    where $backgrounds is null or list_contains($backgrounds, backgrounds.background)
    group by backgrounds.background, backgrounds.label, backgrounds.sort_order
),
by_region as (
    select
        'region' as breakdown,
        regions.region as category,
        regions.region as label,
        regions.nation,
        regions.sort_order,
        count(chosen_members.member_id) as members
    from regions
    left join chosen_members using (region)
    where $nations is null or list_contains($nations, regions.nation)
    group by regions.region, regions.nation, regions.sort_order
),
combined as (
    select * from by_department
    union all by name
    select * from by_grade
    union all by name
    select * from by_background
    union all by name
    select * from by_region
),
final as (
    select
        breakdown,
        category,
        label,
        nation,
        sort_order,
        members,
        coalesce(members / nullif(sum(members) over (partition by breakdown), 0), 0) as share
    from combined
)
select * from final
order by breakdown, sort_order, label
