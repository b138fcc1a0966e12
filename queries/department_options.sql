-- Departments for pickers: one row per department, by name.
-- Parameters: none.
select
    department_id,
    name
from departments
order by name
