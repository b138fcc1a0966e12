"""GSE Insight: a Streamlit dashboard of the Government Science and Engineering profession."""
