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

-- Stands in for the latest review decisions until dashboard/data.py puts the store's on a query's cursor under this
-- name (queries/store/latest_decisions.sql has the same columns). With none, every suggestion keeps its own tag.
create table review_decisions (
    decision_id bigint,
    suggestion_id varchar,
    theme_after varchar,
    action varchar,
    decided_by varchar,
    decided_at timestamp,
    text_hash varchar,
    base_theme varchar,
    base_source varchar
);

-- The taxonomy as it stands, and where the suggestions of merged and retired themes went (current_theme_id NULL:
-- Unthemed). These stand for the data's own themes, unchanged, until dashboard/data.py puts the taxonomy with the
-- team's changes applied (dashboard/review/taxonomy.py) on a query's cursor under the same names.
create view current_themes as
    select
        theme_id,
        label,
        description
    from gse.themes;

create table theme_moves (
    theme_id varchar,
    current_theme_id varchar
);

-- The theme proposed for a suggestion by an admin's decision on an emerging theme (the latest such proposal per
-- suggestion), with when: empty until dashboard/data.py puts the team's proposals on a query's cursor.
create table theme_proposals (
    suggestion_id varchar,
    proposed_theme_id varchar,
    proposed_at timestamp
);

-- Every suggestion with its current theme: its latest review decision while that still applies, else the database's
-- own tag (the file's hand-coded theme, or the classifier's). A decision stops applying when the suggestion's text
-- changes (stale: back to the queue), or when an import brings a hand-coded theme the reviewer did not see (the file is
-- the newer word: superseded). theme_source is then 'reviewed', and a reviewer's "none of these" leaves theme_id NULL
-- (Unthemed). A theme merged or retired since goes to the theme it went to (theme_moves). tagged_theme_id and
-- tagged_source keep the database's own tag; review_state says what became of the latest decision ('applies',
-- 'stale', 'superseded' or NULL for none).
create macro current_suggestions() as table
    select
        suggestions.* replace (
            case
                when moved.theme_id is not null then moved.current_theme_id
                when decided.applies then decided.theme_after
                else suggestions.theme_id
            end as theme_id,
            case when decided.applies then 'reviewed' else suggestions.theme_source end as theme_source
        ),
        suggestions.theme_id as tagged_theme_id,
        suggestions.theme_source as tagged_source,
        decided.decision_id,
        decided.decided_by,
        decided.decided_at,
        case
            when decided.applies then 'applies'
            when decided.stale then 'stale'
            when decided.decision_id is not null then 'superseded'
        end as review_state
    from gse.suggestions
    left join (
        select
            review_decisions.*,
            review_decisions.text_hash <> tagged.text_hash as stale,
            not stale and not (
                tagged.theme_source = 'manual'
                and (
                    review_decisions.base_source is distinct from 'manual'
                    or review_decisions.base_theme is distinct from tagged.theme_id
                )
            ) as applies
        from review_decisions
        inner join gse.suggestions as tagged using (suggestion_id)
    ) as decided using (suggestion_id)
    left join theme_moves as moved
        on moved.theme_id = case when decided.applies then decided.theme_after else suggestions.theme_id end;

-- The suggestions made at those workshops and matching the theme filter, with their workshop's date and location.
create macro chosen_suggestions(theme_ids, nations, location_ids, date_from, date_to) as table
    select
        suggestions.*,
        chosen.held_on,
        chosen.location_id,
        chosen.location,
        chosen.nation
    from current_suggestions() as suggestions
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

-- The explored suggestions, each with the part of the theme review queue it is in (NULL for none): 'flagged' (a
-- machine tag with confidence under review_below), 'changed text' (its decision went stale), or 'audit sample' (about
-- audit_percent % of the confident machine tags, chosen by an md5 hash of the id, the same every run); before all
-- of them 'proposed', a suggestion an admin proposed for a new or other theme (an emerging theme) that no decision
-- has settled since, with the theme proposed (proposed_theme_id).
create macro queued_suggestions(
    theme_ids, nations, location_ids, date_from, date_to,
    explorer_theme_ids, explorer_location_ids, workshop_ids, questions, search_pattern, review_below, audit_percent
) as table
    select
        * exclude (proposal, proposed),
        case when proposed then proposal end as proposed_theme_id,
        case
            when proposed then 'proposed'
            when theme_source = 'auto' and confidence < review_below then 'flagged'
            when review_state = 'stale' then 'changed text'
            when theme_source = 'auto' and md5_number('audit:' || suggestion_id) % 100 < audit_percent
                then 'audit sample'
        end as queue
    from (
        select
            explored.*,
            proposals.proposed_theme_id as proposal,
            coalesce(
                proposals.proposed_theme_id is not null
                and (explored.review_state is distinct from 'applies' or explored.decided_at < proposals.proposed_at),
                false
            ) as proposed
        from explored_suggestions(
            theme_ids, nations, location_ids, date_from, date_to,
            explorer_theme_ids, explorer_location_ids, workshop_ids, questions, search_pattern, null, review_below
        ) as explored
        left join theme_proposals as proposals using (suggestion_id)
    );

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
