-- How many decisions the store holds and the newest id: one row. Rows are only appended, so this changes with every write.
-- Parameters: none.
select
    count(*) as decisions,
    coalesce(max(decision_id), 0) as latest_decision_id
from theme_decisions
