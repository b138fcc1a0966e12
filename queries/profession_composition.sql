-- Members by department, grade, background and region: one row per breakdown and category. Grades, backgrounds and
-- regions keep their zero rows, within the chosen grades, backgrounds and nations; departments with no matching member
-- are left out.
-- Parameters: $department_ids, $nations, $grades, $backgrounds (lists or NULL).
-- Key: breakdown, category.
-- Example: {"grades": ["HEO", "SEO", "G7"], "backgrounds": ["science", "both"]}
-- Counts of people: the page applies disclosure control to `members`.
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
    select *
    from (values
        ('North East', 'England', 1),
        ('North West', 'England', 2),
        ('Yorkshire and The Humber', 'England', 3),
        ('East Midlands', 'England', 4),
        ('West Midlands', 'England', 5),
        ('East of England', 'England', 6),
        ('London', 'England', 7),
        ('South East', 'England', 8),
        ('South West', 'England', 9),
        ('Wales', 'Wales', 10),
        ('Scotland', 'Scotland', 11),
        ('Northern Ireland', 'Northern Ireland', 12)
    ) as regions (region, nation, sort_order)
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
by_department as (
    select
        'department' as breakdown,
        departments.department_id as category,
        departments.name as label,
        cast(null as varchar) as nation,
        cast(null as integer) as sort_order,
        count(*) as members
    from chosen_members
    inner join departments using (department_id)
    group by departments.department_id, departments.name
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
final as (
    select * from by_department
    union all by name
    select * from by_grade
    union all by name
    select * from by_background
    union all by name
    select * from by_region
)
select * from final
order by breakdown, sort_order, members desc, label
