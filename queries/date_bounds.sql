-- The first and last workshop dates: one row.
-- Parameters: none.
-- Key: one row.
select
    min(held_on) as first_date,
    max(held_on) as last_date
from workshops
