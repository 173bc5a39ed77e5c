# doc: build lines for this folder
