-- The first and last workshop dates: one row.
-- Parameters: none.
select
    min(held_on) as first_date,
    max(held_on) as last_date
from workshops
