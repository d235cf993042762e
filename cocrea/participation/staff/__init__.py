"""The staff screens of participation, one module per noun."""
