"""bynames: the entry page. Owns navigation and the chrome every page shares."""

import datetime as dt

import streamlit as st

from dashboard import data, formatting

st.set_page_config(page_title="bynames", page_icon=":material/groups:", layout="wide")

fresh = data.freshness()
with st.sidebar:
    st.markdown("### bynames")
    if fresh["last_upload"] is None:
        st.caption("No list loaded yet. Load one with `bynames ingest PATH`.")
    else:
        st.caption(
            f"Last upload {formatting.ago(fresh['last_upload'], dt.datetime.now())}, "
            f"{formatting.count(fresh['records'])} records; list dated {formatting.day(fresh['as_of'])}"
        )

page = st.navigation([st.Page("pages/monthly_figures.py", title="Monthly figures", icon=":material/table:")])
page.run()
