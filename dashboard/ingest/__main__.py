"""python -m dashboard.ingest: the import's command line (dashboard.ingest.importer.main)."""

from dashboard.ingest.importer import main

raise SystemExit(main())
