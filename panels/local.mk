# panels: build lines for this folder
