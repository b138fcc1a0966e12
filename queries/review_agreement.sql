-- The machine tags reviewers have checked: one row per suggestion whose latest review decision still applies and was
-- made on the classifier's tag (base_source 'auto'), with the classifier's theme the reviewer saw and the reviewer's
-- (NULL for "none of these"), each as the taxonomy stands (a merged theme's under the theme it went to). Not filtered:
-- agreement is the classifier's, over everything reviewed.
-- Parameters: none.
-- Key: suggestion_id.
with final as (
    select
        suggestions.suggestion_id,
        case
            when theme_moves.theme_id is not null then theme_moves.current_theme_id
            else decisions.base_theme
        end as classifier_theme_id,
        suggestions.theme_id as reviewer_theme_id,
        decisions.action,
        decisions.decided_by
    from current_suggestions() as suggestions
    inner join review_decisions as decisions using (suggestion_id)
    left join theme_moves on theme_moves.theme_id = decisions.base_theme
    where suggestions.review_state = 'applies'
        and decisions.base_source = 'auto'
)

select * from final
order by suggestion_id
