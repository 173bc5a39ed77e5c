# model: build lines for this folder
