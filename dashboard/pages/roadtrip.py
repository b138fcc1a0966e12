"""Roadtrip: placeholder until its issue lands."""

import streamlit as st

st.title("Roadtrip")
st.info("This page is being built.")
