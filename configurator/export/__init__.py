"""Documents: the quote and build-sheet content as plain blocks (blocks.py, quote_content.py,
build_sheet.py: Qt-free), the BOM CSV (bom.py), and the Qt PDF/printer rendering (pdf_layout.py,
pdf.py). issue.py is the one export path the command line and the quote dialog share."""
