"""The four IOP services. Each one is a Flask API (``app.py``) plus a worker (``worker.py``)."""
