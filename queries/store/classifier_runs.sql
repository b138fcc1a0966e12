-- Every retrain and restore of the classifier, oldest first: one row per run.
-- Parameters: none.
-- Key: run_id.
with final as (
    select
        run_id,
        action,
        model_version,
        previous_version,
        run_by,
        run_at,
        before_f1,
        after_f1,
        retagged,
        changed,
        data_version_before,
        data_version_after
    from classifier_runs
)

select * from final
order by run_id
