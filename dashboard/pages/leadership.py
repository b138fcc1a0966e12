"""Leadership: placeholder until its issue lands."""

import streamlit as st

st.title("Leadership")
st.info("This page is being built.")
