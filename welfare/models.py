# Models arrive with the welfare issue.
