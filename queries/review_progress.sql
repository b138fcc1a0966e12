-- Review progress under the shared filters, by the classifier's theme: one row per theme that has machine tags.
-- flagged = machine tags whose confidence is under $review_below, and flagged_reviewed those of them a decision
-- still covers; audit_sample and audit_reviewed the same for the seeded sample of confident tags ($audit_percent %).
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL);
-- $review_below, $audit_percent.
-- Key: tagged_theme_id.
-- Example: {"review_below": 0.5, "audit_percent": 5}
with machine_tags as (
    select
        -- A merged or retired theme's tags count under the theme they went to.
        coalesce(theme_moves.current_theme_id, suggestions.tagged_theme_id) as tagged_theme_id,
        confidence < $review_below as flagged,
        confidence >= $review_below and md5_number('audit:' || suggestion_id) % 100 < $audit_percent as audited,
        review_state = 'applies' as reviewed
    from current_suggestions() as suggestions
    left join theme_moves on theme_moves.theme_id = suggestions.tagged_theme_id
    where tagged_source = 'auto'
        and suggestion_id in (
            select suggestion_id from chosen_suggestions(null, $nations, $location_ids, $date_from, $date_to)
        )
        and ($theme_ids is null or list_contains($theme_ids, coalesce(theme_moves.current_theme_id, suggestions.tagged_theme_id)))
),

final as (
    select
        machine_tags.tagged_theme_id,
        current_themes.label,
        count(*) as machine_tags,
        count(*) filter (where flagged) as flagged,
        count(*) filter (where flagged and reviewed) as flagged_reviewed,
        count(*) filter (where audited) as audit_sample,
        count(*) filter (where audited and reviewed) as audit_reviewed,
        count(*) filter (where reviewed) as reviewed
    from machine_tags
    inner join current_themes on current_themes.theme_id = machine_tags.tagged_theme_id
    group by machine_tags.tagged_theme_id, current_themes.label
)

select * from final
order by flagged desc, label
