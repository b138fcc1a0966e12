"""GSE Insight: the entry script. It sets the page, draws the shared filters and routes to the pages."""

import streamlit as st

from dashboard import auth, data, layout, sidebar
from dashboard.story import presentation

# A local icon: a Material icon name would make every browser fetch it from Google's font servers.
st.set_page_config(page_title="GSE Insight", page_icon="dashboard/assets/favicon.png", layout="wide")
layout.count_run()
viewer = auth.gate()

PAGES = [
    st.Page("dashboard/pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("dashboard/pages/roadtrip.py", title="Roadtrip", icon=":material/map:", url_path="roadtrip"),
    st.Page("dashboard/pages/themes.py", title="Suggestion themes", icon=":material/forum:", url_path="themes"),
    st.Page("dashboard/pages/review.py", title="Theme review", icon=":material/fact_check:", url_path="review"),
    st.Page(
        "dashboard/pages/leadership.py", title="Leadership access", icon=":material/groups:", url_path="leadership"
    ),
    st.Page("dashboard/pages/profession.py", title="Profession", icon=":material/diversity_3:", url_path="profession"),
    st.Page("dashboard/pages/story.py", title="Board story", icon=":material/auto_stories:", url_path="story"),
    st.Page("dashboard/pages/about.py", title="About this data", icon=":material/info:", url_path="about"),
    st.Page("dashboard/pages/taxonomy.py", title="Taxonomy", icon=":material/category:", url_path="taxonomy"),
    st.Page("dashboard/pages/data.py", title="Data", icon=":material/database:", url_path="data"),
]

presenting = presentation.is_on()
page = st.navigation(auth.pages_for(viewer, PAGES), position="hidden" if presenting else "sidebar")
try:
    data.pin()
    active = sidebar.draw(page.url_path)
except data.DatabaseMissing as missing:
    st.error(str(missing))
    st.stop()
if presenting:
    presentation.show()
else:
    sidebar.draw_sharing(active)
    page.run()
