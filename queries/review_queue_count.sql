-- How many suggestions wait in each part of the review queue (see review_queue.sql): one row.
-- Parameters: as review_queue.sql, without the page.
-- Key: one row.
-- Example: {"review_below": 0.5, "audit_percent": 5}
with explored as (
    select queue
    from queued_suggestions(
        $theme_ids, $nations, $location_ids, $date_from, $date_to,
        $explorer_theme_ids, $explorer_location_ids, $workshop_ids, $questions, $search_pattern, $review_below,
        $audit_percent
    )
),

final as (
    select
        count(*) filter (where queue is not null and ($queues is null or list_contains($queues, queue))) as waiting,
        count(*) filter (where queue = 'proposed') as proposed,
        count(*) filter (where queue = 'flagged') as flagged,
        count(*) filter (where queue = 'changed text') as changed_text,
        count(*) filter (where queue = 'audit sample') as audit_sample
    from explored
)

select * from final
