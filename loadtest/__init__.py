"""The load run (`make loadtest`): a deployment under test (gunicorn and schedulers, or one web process and
one scheduler on SQLite), simulated officers, reviewers and auditors over HTTP, a clock moved forward so
that reviews and exit deadlines fall due, the leading scheduler killed halfway, and checks at the end."""
