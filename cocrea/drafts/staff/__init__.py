"""The staff screens of co-creation (under /gestion/documentos/), one module per noun."""
