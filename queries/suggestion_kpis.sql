-- The Themes page's headline counts of suggestions under the shared filters, by how each got its current theme
-- (manual: the file; reviewed: a reviewer's decision; auto: an unreviewed classifier tag): one row.
-- Parameters: $theme_ids, $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL);
-- $review_below (confidence under which an auto tag needs review).
-- Key: one row.
-- Example: {"review_below": 0.5}
with chosen_suggestions as (
    select
        theme_id,
        theme_source,
        confidence
    from chosen_suggestions($theme_ids, $nations, $location_ids, $date_from, $date_to)
),

final as (
    select
        count(*) as suggestions,
        count(*) filter (where theme_source = 'manual') as manual,
        count(*) filter (where theme_source = 'auto') as auto,
        count(*) filter (where theme_source = 'reviewed') as reviewed,
        count(*) filter (where theme_source = 'auto' and confidence < $review_below) as needs_review,
        count(*) filter (where theme_id is null) as untagged,
        count(*) filter (where theme_id is null and theme_source = 'reviewed') as unthemed,
        avg(confidence) filter (where theme_source = 'auto') as mean_auto_confidence
    from chosen_suggestions
)

select * from final
