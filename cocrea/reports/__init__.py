"""Reports: the monthly progress report of a milestone as PDF, XLSX and DOCX."""
