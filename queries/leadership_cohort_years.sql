-- The cohort years that have any scheme applications: one row per year, oldest first.
-- Parameters: none.
-- Key: cohort_year.
with final as (
    select distinct cohort_year
    from participation
)

select * from final
order by cohort_year
