# lab: build lines for this folder
