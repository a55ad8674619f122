"""Reports: PDFs, the fillable form and exports, built from plain domain objects."""
