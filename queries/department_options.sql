-- Departments for pickers: one row per department, by name.
-- Parameters: none.
-- Key: department_id.
select
    department_id,
    name
from departments
order by name
