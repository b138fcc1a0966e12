"""Profession: placeholder until its issue lands."""

import streamlit as st

st.title("Profession")
st.info("This page is being built.")
