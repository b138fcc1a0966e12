-- How many suggestions match the shared filters and the explorer's own (see suggestion_matches.sql): one row.
-- Parameters: as suggestion_matches.sql, without the page.
-- Key: one row.
-- Example: {"review_below": 0.5, "search_pattern": "%a%"}
with final as (
    select
        count(*) as matches,
        count(*) filter (where needs_review) as needs_review
    from explored_suggestions(
        $theme_ids, $nations, $location_ids, $date_from, $date_to,
        $explorer_theme_ids, $explorer_location_ids, $workshop_ids, $questions, $search_pattern, $review_only, $review_below
    )
)

select * from final
