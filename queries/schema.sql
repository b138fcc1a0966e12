-- The data contract: one table per CSV in data/, with the keys and checks the database enforces.
-- Loaded by dashboard.build in dependency order; every import goes through these constraints.

create table departments (
    department_id varchar primary key check (regexp_full_match(department_id, '[A-Z][A-Z0-9_]{1,15}')),
    name varchar not null unique check (length(trim(name)) > 0)
);

create table locations (
    location_id varchar primary key check (regexp_full_match(location_id, '[a-z][a-z0-9_]{1,31}')),
    name varchar not null unique check (length(trim(name)) > 0),
    nation varchar not null check (nation in ('England', 'Scotland', 'Wales', 'Northern Ireland')),
    latitude double not null check (latitude between 49.8 and 60.9),
    longitude double not null check (longitude between -8.7 and 1.8),
    -- The ITL1 region (for Scotland, Wales and Northern Ireland, the nation itself): lets the Profession page place workshops.
    region varchar not null check (region in (
        'North East', 'North West', 'Yorkshire and The Humber', 'East Midlands', 'West Midlands',
        'East of England', 'London', 'South East', 'South West', 'Wales', 'Scotland', 'Northern Ireland'
    )),
    check ((nation = 'England') = (region not in ('Wales', 'Scotland', 'Northern Ireland'))),
    check (nation = 'England' or region = nation)
);

create table workshops (
    workshop_id varchar primary key check (length(trim(workshop_id)) > 0),
    location_id varchar not null references locations (location_id),
    -- The import also refuses a date after today: a workshop is recorded once held (a check here cannot read the clock).
    held_on date not null check (held_on between date '1950-01-01' and date '2100-12-31'),
    venue varchar not null check (length(trim(venue)) > 0),
    host varchar,
    -- Bounds that catch slips: 1e308 miles was once read as infinity by the KPIs.
    attendees integer check (attendees between 0 and 10000),
    miles_travelled double check (miles_travelled between 0 and 10000)
);

create table members (
    member_id varchar primary key check (
        length(trim(member_id)) > 0 and not contains(member_id, '@') and not contains(member_id, ' ')
    ),
    department_id varchar not null references departments (department_id),
    grade varchar not null check (grade in ('AA', 'AO', 'EO', 'HEO', 'SEO', 'G7', 'G6', 'SCS')),
    region varchar not null check (region in (
        'North East', 'North West', 'Yorkshire and The Humber', 'East Midlands', 'West Midlands',
        'East of England', 'London', 'South East', 'South West', 'Wales', 'Scotland', 'Northern Ireland'
    )),
    background varchar not null check (background in ('science', 'engineering', 'both', 'interest')),
    joined_on date check (joined_on between date '1950-01-01' and date '2100-12-31')
);

create table themes (
    theme_id varchar primary key check (regexp_full_match(theme_id, '[a-z][a-z_]{1,31}')),
    label varchar not null unique check (length(trim(label)) > 0),
    description varchar not null check (length(trim(description)) > 0)
);

create table suggestions (
    suggestion_id varchar primary key check (length(trim(suggestion_id)) > 0),
    workshop_id varchar not null references workshops (workshop_id),
    question varchar,
    text varchar not null check (length(trim(text)) > 0 and length(text) <= 2000),
    theme_id varchar references themes (theme_id),
    member_id varchar references members (member_id),
    -- Filled by the build: 'manual' for a theme in the source file, 'auto' for one the classifier chose.
    theme_source varchar check (theme_source in ('manual', 'auto')),
    confidence double check (confidence between 0 and 1),
    -- Filled by the build: a review decision (the team's store) applies only while the text it was made on is unchanged.
    text_hash varchar not null check (text_hash = sha256(text)),
    -- Filled by the build or a retrain (dashboard/retraining.py): the classifier model that made an auto tag, 'build-…'
    -- for one trained by the build on the hand-coded themes, 'retrain-…' for one retrained from the team's decisions.
    model_version varchar check (regexp_full_match(model_version, '(build|retrain)-[0-9a-z-]{6,40}')),
    check ((theme_id is null) = (theme_source is null)),
    -- Every auto tag says which model made it, and only auto tags do.
    check (coalesce(theme_source = 'auto', false) = (model_version is not null))
);

-- Filled by the build: the classifier's three most likely themes for each suggestion it tagged, so that a reviewer
-- can correct a tag with one click.
create table theme_alternatives (
    suggestion_id varchar not null references suggestions (suggestion_id),
    theme_rank integer not null check (theme_rank between 1 and 3),
    theme_id varchar not null references themes (theme_id),
    probability double not null check (probability between 0 and 1),
    primary key (suggestion_id, theme_rank)
);

create table schemes (
    scheme_id varchar primary key check (regexp_full_match(scheme_id, '[a-z][a-z0-9_]{1,31}')),
    name varchar not null unique check (length(trim(name)) > 0),
    kind varchar not null check (kind in ('central', 'profession', 'departmental')),
    department_id varchar references departments (department_id)
);

create table participation (
    member_id varchar not null references members (member_id),
    scheme_id varchar not null references schemes (scheme_id),
    cohort_year integer not null check (cohort_year between 2000 and 2100),
    status varchar not null check (status in ('applied', 'rejected', 'accepted', 'completed', 'withdrawn')),
    primary key (member_id, scheme_id, cohort_year)
);

-- Filled by the build: how typical each hand-tagged suggestion is of its theme (queries/typicality.sql).
create table typicality (
    suggestion_id varchar primary key references suggestions (suggestion_id),
    theme_id varchar not null references themes (theme_id),
    score double not null
);

-- One row of facts about this build: the content hash of the sources and when they were loaded.
create table build_info (
    data_version varchar not null,
    data_date date not null,
    built_at timestamp not null,
    -- 'bundled' for the sample in data/, otherwise what was imported (see dashboard.ingest).
    source varchar not null
);

-- One row per successful import (see dashboard.ingest).
create table imports (
    import_id integer primary key,
    imported_at timestamp not null,
    imported_by varchar not null,
    source varchar not null,
    files json not null,
    row_counts json not null
);

-- The headline counts of each loaded version, by department and by theme, carried from import to import like imports:
-- what "since the last import" compares (queries/import_snapshot.sql writes a version's rows).
create table import_counts (
    import_id integer not null,
    measure varchar not null check (measure in ('members', 'applications', 'participants', 'suggestions')),
    group_kind varchar not null check (group_kind in ('department', 'theme')),
    group_key varchar not null,
    group_label varchar not null,
    value integer not null check (value >= 0),
    primary key (import_id, measure, group_kind, group_key)
);
