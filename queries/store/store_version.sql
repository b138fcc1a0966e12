-- The store's id, how many decisions it holds, the newest decision's id and the newest blind coding's id: one row.
-- Rows are only appended, so this changes with every write.
-- Parameters: none.
select
    (select store_id from store_info) as store_id,
    count(*) as decisions,
    coalesce(max(decision_id), 0) as latest_decision_id,
    (select coalesce(max(code_id), 0) from second_codes) as latest_code_id
from theme_decisions
