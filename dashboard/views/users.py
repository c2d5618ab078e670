"""Users and roles, for admins: who may sign in and what each may see."""

import polars as pl
import streamlit as st

from dashboard import data, signin
from pipelines.accounts import ROLES

st.title("Users")
people = data.users()
if not people.is_empty():
    st.dataframe(
        people.select(
            pl.col("email").alias("Email"), pl.col("role").str.to_titlecase().alias("Role"),
            pl.when(pl.col("has_password")).then(pl.lit("set")).otherwise(pl.lit("not yet")).alias("Password"),
            pl.col("locked_until").dt.strftime("%a %-d %b %H:%M").fill_null("").alias("Locked until"),
        ),
        hide_index=True, width="stretch", key="users_table",
    )

with st.form("add_user"):
    st.markdown("**Add someone, or change their role**")
    left, right = st.columns(2)
    email = left.text_input("Email", key="new_email")
    role = right.selectbox("Role", ROLES, key="new_role")
    password = st.text_input("First password (at least 8 characters; they can be told it in person)",
                             type="password", key="new_password")
    if st.form_submit_button("Save", type="primary"):
        try:
            data.save_user(email, role, password or None, signin.who())
            st.success(f"{email.strip().lower()} can sign in as {role}.", icon=":material/done:")
        except ValueError as refused:
            st.error(str(refused).capitalize() + ".")
