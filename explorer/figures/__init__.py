"""Pure Plotly builders: data in, go.Figure out. No Streamlit here."""
