-- Which classifier model made the machine tags in the database: one row per model version, with how many tags.
-- Parameters: none.
-- Key: model_version.
with final as (
    select
        model_version,
        count(*) as machine_tags
    from suggestions
    where theme_source = 'auto'
    group by model_version
)

select * from final
order by machine_tags desc, model_version
