-- Not a query: the shared filters, defined once as DuckDB macros. dashboard/data.py runs this file on its connection
-- (tables named as gse.*, the attached database file); queries call chosen_workshops(...), chosen_suggestions(...),
-- explored_suggestions(...) and region_nation(...) instead of repeating the filter. Queries run by other connections
-- must not use them.

-- The workshops matching the shared nation, location and date filters (NULL = no filter), with their location.
create macro chosen_workshops(nations, location_ids, date_from, date_to) as table
    select
        workshops.*,
        locations.name as location,
        locations.nation,
        locations.region,
        locations.latitude,
        locations.longitude
    from gse.workshops
    inner join gse.locations using (location_id)
    where (nations is null or list_contains(nations, locations.nation))
        and (location_ids is null or list_contains(location_ids, workshops.location_id))
        and (date_from is null or workshops.held_on >= date_from)
        and (date_to is null or workshops.held_on <= date_to);

-- The suggestions made at those workshops and matching the theme filter, with their workshop's date and location.
create macro chosen_suggestions(theme_ids, nations, location_ids, date_from, date_to) as table
    select
        suggestions.*,
        chosen.held_on,
        chosen.location_id,
        chosen.location,
        chosen.nation
    from gse.suggestions
    inner join chosen_workshops(nations, location_ids, date_from, date_to) as chosen using (workshop_id)
    where theme_ids is null or list_contains(theme_ids, suggestions.theme_id);

-- The suggestions the Themes explorer shows: chosen_suggestions narrowed by the explorer's own filters (NULL = no
-- filter; 'Not recorded' matches a missing question; search_pattern is an ILIKE pattern with backslash escapes), each
-- marked needs_review when its auto tag's confidence is under review_below; review_only keeps only those.
create macro explored_suggestions(
    theme_ids, nations, location_ids, date_from, date_to,
    explorer_theme_ids, explorer_location_ids, workshop_ids, questions, search_pattern, review_only, review_below
) as table
    select *
    from (
        select
            suggestions.*,
            coalesce(suggestions.theme_source = 'auto' and suggestions.confidence < review_below, false)
                as needs_review
        from chosen_suggestions(theme_ids, nations, location_ids, date_from, date_to) as suggestions
        where (explorer_theme_ids is null or list_contains(explorer_theme_ids, suggestions.theme_id))
            and (explorer_location_ids is null or list_contains(explorer_location_ids, suggestions.location_id))
            and (workshop_ids is null or list_contains(workshop_ids, suggestions.workshop_id))
            and (questions is null or list_contains(questions, coalesce(suggestions.question, 'Not recorded')))
            and (search_pattern is null or suggestions.text ilike search_pattern escape '\')
    )
    where not coalesce(review_only, false) or needs_review;

-- A member's nation from their ITL1 region (England has nine regions; the other nations are regions themselves).
create macro region_nation(region_name) as
    case when region_name in ('Scotland', 'Wales', 'Northern Ireland') then region_name else 'England' end;

-- The 12 ITL1 regions and nations in the order the pages list them (north to south, then the devolved nations).
create macro itl1_regions() as table
    select *
    from (values
        ('North East', 'England', 1),
        ('North West', 'England', 2),
        ('Yorkshire and The Humber', 'England', 3),
        ('East Midlands', 'England', 4),
        ('West Midlands', 'England', 5),
        ('East of England', 'England', 6),
        ('London', 'England', 7),
        ('South East', 'England', 8),
        ('South West', 'England', 9),
        ('Wales', 'Wales', 10),
        ('Scotland', 'Scotland', 11),
        ('Northern Ireland', 'Northern Ireland', 12)
    ) as regions (region, nation, sort_order);
