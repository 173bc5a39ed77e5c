# tui: build lines for this folder
