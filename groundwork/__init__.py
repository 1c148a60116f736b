"""Domain-free groundwork that several apps stand on: protection of public forms (`antispam`), the plain text they
store (`plaintext`), spreadsheet safety (`spreadsheets`), validators, model fields and form widgets. It has no models
and imports no app of the portal."""
