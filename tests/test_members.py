"""members.py on small hand-made rollups: which published cells make each count, and when a count must be blank."""
