-- The theme review queue: machine tags a reviewer should check, under the shared filters and the explorer's own, one
-- page at a time. Flagged tags (confidence under $review_below) come first, least confident first; then suggestions
-- whose decision went stale because their text changed; then a seeded audit sample of about $audit_percent % of the
-- confident machine tags, so that confident errors are found too. Each row carries the classifier's three likeliest
-- themes, each theme once after a merge. Before them all, suggestions an admin proposed for an emerging theme, with
-- the theme proposed (proposed_theme_id). Reviewed suggestions leave the queue.
-- Parameters: as suggestion_matches.sql (shared and explorer filters, $search_pattern, $review_below), and
-- $audit_percent (0-100), $queues (a list of 'proposed', 'flagged', 'changed text', 'audit sample', or NULL for all),
-- $page_size (rows, or NULL for all), $page_offset (rows to skip, or NULL).
-- Key: suggestion_id.
-- Example: {"review_below": 0.5, "audit_percent": 5, "page_size": 10, "page_offset": 0}
with explored as (
    select *
    from queued_suggestions(
        $theme_ids, $nations, $location_ids, $date_from, $date_to,
        $explorer_theme_ids, $explorer_location_ids, $workshop_ids, $questions, $search_pattern, $review_below,
        $audit_percent
    )
),

queued as (
    select *
    from explored
    where queue is not null
        and ($queues is null or list_contains($queues, queue))
),

alternatives as (
    select
        suggestion_id,
        max(theme_id) filter (where theme_rank = 1) as theme_1,
        max(probability) filter (where theme_rank = 1) as probability_1,
        max(theme_id) filter (where theme_rank = 2) as theme_2,
        max(probability) filter (where theme_rank = 2) as probability_2,
        max(theme_id) filter (where theme_rank = 3) as theme_3,
        max(probability) filter (where theme_rank = 3) as probability_3
    from (
        select
            suggestion_id,
            theme_id,
            probability,
            row_number() over (partition by suggestion_id order by probability desc, first_rank) as theme_rank
        from (
            -- A merged or retired theme's place goes to the theme it went to, and two themes merged into one are
            -- offered once, with the sum of their probabilities: the classifier's probabilities are for themes that
            -- exclude each other, so the chance that the theme now covering both fits is their sum (the higher one
            -- alone would understate it and could rank it below a theme less likely than the two together). The
            -- themes are ranked again on it. A theme retired with nowhere named for its suggestions is not offered:
            -- "None of these" stands for it.
            select
                theme_alternatives.suggestion_id,
                case
                    when theme_moves.theme_id is null then theme_alternatives.theme_id
                    else theme_moves.current_theme_id
                end as theme_id,
                sum(theme_alternatives.probability) as probability,
                min(theme_alternatives.theme_rank) as first_rank
            from theme_alternatives
            left join theme_moves using (theme_id)
            group by all
        )
        where theme_id is not null
    )
    group by suggestion_id
),

final as (
    select
        queued.suggestion_id,
        queued.queue,
        queued.text,
        queued.location,
        queued.workshop_id,
        queued.held_on,
        queued.question,
        queued.theme_id,
        current_themes.label as theme,
        queued.proposed_theme_id,
        queued.theme_source,
        queued.confidence,
        queued.tagged_theme_id,
        queued.tagged_source,
        coalesce(queued.decision_id, 0) as decision_id,
        alternatives.theme_1,
        alternatives.probability_1,
        alternatives.theme_2,
        alternatives.probability_2,
        alternatives.theme_3,
        alternatives.probability_3,
        case queued.queue when 'proposed' then 0 when 'flagged' then 1 when 'changed text' then 2 else 3 end as queue_order,
        md5(queued.suggestion_id) as audit_order
    from queued
    left join current_themes using (theme_id)
    left join alternatives using (suggestion_id)
)

select * from final
order by queue_order, case when queue = 'flagged' then confidence end nulls last, audit_order, suggestion_id
limit $page_size
offset coalesce($page_offset, 0)
