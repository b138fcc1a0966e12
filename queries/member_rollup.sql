-- Members of the profession in four department x category tables with their totals: by grade, by region, by area
-- (London or the rest of the UK) and by background. The one rollup every page reads member counts from.
-- Parameters: none (members are protected once, over the whole profession, so that no page's filters can undo a blank).
-- Key: breakdown, department_id, category.
-- A rolled-up key is written 'Total', the disclosure total marker.
-- Grain: every department (and the total) crossed with every category (and the total), zero cells kept: an intruder
-- knows which cells exist, and a zero is a small count like any other. Department ids can never be spelt 'Total'.
-- Counts of people: pages read it through members.protected_rollup (disclosure.suppress_together, members.SPECS).
with grade_values as (
    select *
    from (values ('AA'), ('AO'), ('EO'), ('HEO'), ('SEO'), ('G7'), ('G6'), ('SCS')) as grade_values (category)
),

background_values as (
    select *
    from (values ('science'), ('engineering'), ('both'), ('interest')) as background_values (category)
),

region_values as (
    select
        region as category,
        case when region = 'London' then 'London' else 'Rest of the UK' end as area
    from itl1_regions()
),

grade_cells as (
    select
        departments.department_id,
        grade_values.category,
        count(members.member_id) as members
    from departments
    cross join grade_values
    left join members
        on members.department_id = departments.department_id
        and members.grade = grade_values.category
    group by departments.department_id, grade_values.category
),

region_cells as (
    select
        departments.department_id,
        region_values.area,
        region_values.category,
        count(members.member_id) as members
    from departments
    cross join region_values
    left join members
        on members.department_id = departments.department_id
        and members.region = region_values.category
    group by departments.department_id, region_values.area, region_values.category
),

background_cells as (
    select
        departments.department_id,
        background_values.category,
        count(members.member_id) as members
    from departments
    cross join background_values
    left join members
        on members.department_id = departments.department_id
        and members.background = background_values.category
    group by departments.department_id, background_values.category
),

by_grade as (
    select
        'grade' as breakdown,
        case when grouping(department_id) = 1 then 'Total' else department_id end as department_id,
        case when grouping(category) = 1 then 'Total' else category end as category,
        cast(sum(members) as bigint) as members
    from grade_cells
    group by cube (department_id, category)
),

by_region as (
    select
        'region' as breakdown,
        case when grouping(department_id) = 1 then 'Total' else department_id end as department_id,
        case when grouping(category) = 1 then 'Total' else category end as category,
        cast(sum(members) as bigint) as members
    from region_cells
    group by cube (department_id, category)
),

by_area as (
    select
        'area' as breakdown,
        case when grouping(department_id) = 1 then 'Total' else department_id end as department_id,
        case when grouping(area) = 1 then 'Total' else area end as category,
        cast(sum(members) as bigint) as members
    from region_cells
    group by cube (department_id, area)
),

by_background as (
    select
        'background' as breakdown,
        case when grouping(department_id) = 1 then 'Total' else department_id end as department_id,
        case when grouping(category) = 1 then 'Total' else category end as category,
        cast(sum(members) as bigint) as members
    from background_cells
    group by cube (department_id, category)
),

final as (
    select * from by_grade
    union all
    select * from by_region
    union all
    select * from by_area
    union all
    select * from by_background
)

select * from final
order by breakdown, department_id = 'Total', department_id, category = 'Total', category
