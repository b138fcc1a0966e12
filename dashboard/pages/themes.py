"""Themes: placeholder until its issue lands."""

import streamlit as st

st.title("Themes")
st.info("This page is being built.")
