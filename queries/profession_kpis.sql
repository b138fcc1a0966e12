-- The Profession page's headline counts: one row.
-- Parameters: $department_ids, $nations, $grades, $backgrounds (lists or NULL).
-- Key: one row.
-- Example: {"grades": ["HEO", "SEO", "G7"], "backgrounds": ["science", "both"]}
-- Members and departments follow the member filters (nation is the member's region's nation); the suggestion and
-- workshop counts are the whole tour's.
with chosen_members as (
    select
        member_id,
        department_id
    from members
    where ($department_ids is null or list_contains($department_ids, department_id))
        and ($nations is null or list_contains($nations, region_nation(region)))
        and ($grades is null or list_contains($grades, grade))
        and ($backgrounds is null or list_contains($backgrounds, background))
),
final as (
    select
        (select count(*) from chosen_members) as members,
        (select count(distinct department_id) from chosen_members) as departments,
        (select count(*) from members) as profession_members,
        (select count(*) from suggestions) as suggestions,
        (select count(member_id) from suggestions) as identified_suggestions,
        (select count(distinct member_id) from suggestions) as identified_contributors,
        (select count(*) from workshops) as workshops,
        (select count(*) from workshops where attendees is null) as workshops_without_attendance
)
select * from final
