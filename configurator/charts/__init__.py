"""The charts (pyqtgraph), below both the window (ui/) and the documents (export/): one registry
(registry.py), one contract (base.ChartState), rendering to PNG for the PDF (render.py). No ui widget is
imported here."""
