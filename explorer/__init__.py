"""CNN vs RNN Explorer: data → models (with traces) → pure computation → pure figures → the Streamlit app."""
