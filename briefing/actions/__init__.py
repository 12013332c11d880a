"""What the clerk does, as library calls the command line (and later the web page) uses:
build, status, remind, init, ingest."""
