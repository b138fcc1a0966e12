-- Workshop locations for pickers: one row per location, by nation then name.
-- Parameters: none.
select
    location_id,
    name,
    nation,
    region
from locations
order by nation, name
