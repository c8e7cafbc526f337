"""Pure NumPy/JAX computations that the views show: no Plotly, no Streamlit."""
