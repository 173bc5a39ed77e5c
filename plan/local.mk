# plan: build lines for this folder
