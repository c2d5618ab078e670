"""Users and roles, for admins: who may sign in and what each may see."""

import polars as pl
import streamlit as st

from dashboard import data, formatting, signin
from pipelines.accounts import ROLES

st.title("Users")
if said := st.session_state.pop("users_said", None):  # what the last save or removal did
    st.success(formatting.plain(said), icon=":material/done:")
people = data.users()
if not people.is_empty():
    st.dataframe(
        people.select(
            pl.col("email").alias("Email"), pl.col("role").str.to_titlecase().alias("Role"),
            pl.when(pl.col("has_password")).then(pl.lit("set")).otherwise(pl.lit("not yet")).alias("Password"),
        ),
        hide_index=True, width="stretch", key="users_table",
    )

with st.form("add_user"):
    st.markdown("**Add someone, or change their role**")
    left, right = st.columns(2)
    email = left.text_input("Email", key="new_email")
    # No default: a new account's role is chosen, never given admin by oversight.
    role = right.selectbox("Role", ROLES, index=None, placeholder="Choose a role", key="new_role")
    password = st.text_input("First password (at least 8 characters; they can be told it in person)",
                             type="password", key="new_password")
    if st.form_submit_button("Save", type="primary"):
        try:
            if role is None:
                raise ValueError("choose a role: what they may see depends on it")
            data.save_user(email, role, password or None, signin.who())
            st.session_state["users_said"] = f"{email.strip().lower()} can sign in as {role}."
            st.rerun()
        except ValueError as refused:
            st.error(formatting.plain(str(refused).capitalize() + "."))

if not people.is_empty():
    with st.form("remove_user"):
        st.markdown("**Take away someone's access**")
        gone = st.selectbox("Account", people["email"].to_list(), index=None, placeholder="Choose an account",
                            key="remove_email")
        st.caption("They can no longer sign in; what they did stays in the audit trail. The only admin stays.")
        if st.form_submit_button("Remove access") and gone:
            try:
                data.remove_user(gone, signin.who())
                st.session_state["users_said"] = f"{gone} can no longer sign in."
                st.rerun()
            except ValueError as refused:
                st.error(formatting.plain(str(refused).capitalize() + "."))
