-- Workshop locations for pickers: one row per location, by nation then name.
-- Parameters: none.
-- Key: location_id.
select
    location_id,
    name,
    nation,
    region
from locations
order by nation, name
