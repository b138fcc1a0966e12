-- The great-circle length of the tour's route, stop to stop in date order (haversine): one row.
-- Parameters: $nations, $location_ids (lists or NULL), $date_from, $date_to (dates or NULL).
-- Key: one row.
-- The route joins the matching workshops in date order (ties by workshop_id); two workshops in the same place add
-- nothing. Earth's mean radius: 6371.0 km, 3958.8 miles.
with chosen_workshops as (
    select
        workshop_id,
        held_on,
        radians(latitude) as latitude,
        radians(longitude) as longitude
    from chosen_workshops($nations, $location_ids, $date_from, $date_to)
),

legs as (
    select
        latitude,
        longitude,
        lag(latitude) over tour as previous_latitude,
        lag(longitude) over tour as previous_longitude
    from chosen_workshops
    window tour as (order by held_on, workshop_id)
),

central_angles as (
    select
        2 * asin(sqrt(least(1.0,
            pow(sin((latitude - previous_latitude) / 2), 2)
            + cos(previous_latitude) * cos(latitude) * pow(sin((longitude - previous_longitude) / 2), 2)
        ))) as central_angle
    from legs
    where previous_latitude is not null
),

final as (
    select
        (select count(*) from chosen_workshops) as stops,
        (select count(*) from central_angles) as legs,
        coalesce((select sum(central_angle) from central_angles), 0) * 3958.8 as route_miles,
        coalesce((select sum(central_angle) from central_angles), 0) * 6371.0 as route_km
)

select * from final
