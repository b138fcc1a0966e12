-- The store's id, how many decisions it holds, and the newest decision's, blind coding's, taxonomy event's and
-- emerging-theme decision's ids: one row. Rows are only appended, so this changes with every write.
-- Parameters: none.
select
    (select store_id from store_info) as store_id,
    count(*) as decisions,
    coalesce(max(decision_id), 0) as latest_decision_id,
    (select coalesce(max(code_id), 0) from second_codes) as latest_code_id,
    (select coalesce(max(event_id), 0) from taxonomy_events) as latest_event_id,
    (select coalesce(max(candidate_decision_id), 0) from candidate_decisions) as latest_candidate_id
from theme_decisions
