-- What a retrain may re-tag: the classifier's tags that no review decision holds (none, or one gone stale with its
-- text). Never a hand-coded theme or a reviewer's. One row per suggestion.
-- Parameters: none.
-- Key: suggestion_id.
with final as (
    select
        suggestion_id,
        text,
        tagged_theme_id as theme_id,
        confidence,
        model_version
    from current_suggestions()
    where tagged_source = 'auto'
        and review_state is distinct from 'applies'
)

select * from final
order by suggestion_id
