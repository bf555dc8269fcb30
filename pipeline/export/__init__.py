"""export: one module per output format. Exporters lay out data; they do not compute."""
