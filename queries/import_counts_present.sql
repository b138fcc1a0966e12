-- Whether the loaded database records the headline counts of its versions (a database written before import_counts
-- existed does not, and then no change since the last import can be shown): one row.
-- Parameters: none.
-- Key: one row.
select count(*) > 0 as present
from duckdb_tables()
where database_name = 'gse'
    and table_name = 'import_counts'
