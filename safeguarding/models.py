# Models arrive with the safeguarding issue.
